import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport

/// The database of the report command tests: lot LT-7 (litchi for Japan) in hx/cold2 for an hour from `start`, then
/// closed; probes p1 and p2 read every minute at 3 °C and 90 %, p2 at 6 °C for the 20 minutes from minute 20.
enum ClosedLotDatabase {
  static let start = Timestamp(seconds: 1_781_226_000)

  /// A new database file in a new temporary directory (`prefix`), and that directory.
  static func make(prefix: String) throws -> (directory: URL, db: String) {
    let directory = try TemporaryDirectory.make(prefix: prefix)
    let db = directory.appendingPathComponent("coldtrace.db").path
    let store = try SQLiteStore(path: db)
    _ = try store.addLot("LT-7", product: "litchi", market: "jp", site: "hx", room: "cold2", at: start)
    try store.write { tx in
      for sensor in ["p1", "p2"] {
        let source = try tx.sourceID(for: SensorKey(site: "hx", room: "cold2", sensor: sensor), agent: "edge")
        let samples = (0..<60).map { minute in
          let warm = sensor == "p2" && (20..<40).contains(minute)
          return Sample(
            seq: Int64(minute + 1), ts: start.adding(seconds: Double(minute * 60)), tempC: warm ? 6 : 3, rhPct: 90)
        }
        _ = try tx.insertNew(samples, source: source)
      }
    }
    _ = try store.closeLot("LT-7", at: start.adding(seconds: 3600))
    return (directory, db)
  }
}
