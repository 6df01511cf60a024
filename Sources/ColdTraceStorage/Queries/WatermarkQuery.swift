import ColdTraceCore
import GRDB

/// A probe as the acknowledgement sees it: sequence numbers are per (site, sensor), whatever the room.
public struct ProbeKey: Hashable, Sendable {
  public var site: String
  public var sensor: String
  public init(site: String, sensor: String) {
    self.site = site
    self.sensor = sensor
  }
}

extension SQLiteStore {
  /// Every probe's acknowledgement watermark and the stored numbers above it, to resume after a restart.
  public func watermarkTrackers() throws -> [ProbeKey: WatermarkTracker] {
    try read { db in
      var trackers: [ProbeKey: WatermarkTracker] = [:]
      let pendingStatement = try db.cachedStatement(
        sql: "SELECT seq FROM readings WHERE source_id = ? AND seq >= 0 AND seq > ? ORDER BY seq")
      for row in try Row.fetchAll(db, sql: "SELECT id, site, sensor, acked_seq FROM sources") {
        let watermark: Int64 = row["acked_seq"]
        let pending = try Int64.fetchAll(pendingStatement, arguments: [row["id"] as Int64, watermark])
        trackers[ProbeKey(site: row["site"], sensor: row["sensor"])] = WatermarkTracker(
          watermark: watermark, pending: Set(pending))
      }
      return trackers
    }
  }
}
