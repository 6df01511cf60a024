import ColdTraceCore
import ColdTraceStorage
import Foundation

/// A real SQLite database for the room report: three local days (10–12 June 2026 at UTC+07:00) of half-hourly
/// readings of probes p1 (0.2 °C warmer each day) and p2 in hx/cold2, plus readings two hours either side of the period (left out), and
/// - p2 warm on 11 June 10:00–12:30 (6.0–6.5 °C, past litchi's 5 °C warning limit): one excursion, back at 13:00;
/// - a temp_high alert on p2 opened 10:45, acknowledged by Lan at 11:05 with a note, resolved 13:00;
/// - p1 calibrated (certificate VMI-2026-0117, due 1 September 2026), p2 with no calibration on record;
/// - room cold3 (probe a3, one alert): another room of the site, absent from the cold2 report.
enum RoomReportFixture {
  /// 2026-06-10 00:00 at UTC+07:00.
  static let dayZero = Timestamp.parseRFC3339("2026-06-10T00:00:00+07:00")!
  static let halfHour = 1_800.0
  /// Half-hour steps from two hours before the period to two hours after it.
  static let steps = -4..<(3 * 48 + 4)

  static func time(_ step: Int) -> Timestamp { dayZero.adding(seconds: Double(step) * halfHour) }

  static func temperature(_ sensor: String, _ step: Int) -> Double {
    switch sensor {
    // p1 rises 0.2 °C per local day: a table cut at UTC midnight (7 hours off) would mix two days' values.
    case "p1": 3.0 + Double(((step + 8) * 7) % 13) / 10 + 0.2 * Double(step >= 0 ? step / 48 : -1)
    case "p2": (68..<74).contains(step) ? 6.0 + Double(step - 68) / 10 : 2.5 + Double(((step + 8) * 5) % 11) / 10
    default: 4.0
    }
  }

  static func humidity(_ sensor: String, _ step: Int) -> Double {
    sensor == "p1" ? 92 + Double((step + 8) % 3) : 93
  }

  static func make() throws -> SQLiteStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-room-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("rooms.db").path)
    try store.write { tx in
      for (room, sensor) in [("cold2", "p1"), ("cold2", "p2"), ("cold3", "a3")] {
        let source = try tx.sourceID(for: SensorKey(site: "hx", room: room, sensor: sensor), agent: "edge")
        let samples = steps.enumerated().map { index, step in
          Sample(
            seq: Int64(index + 1), ts: time(step), tempC: temperature(sensor, step), rhPct: humidity(sensor, step))
        }
        _ = try tx.insertNew(samples, source: source)
      }
      _ = try tx.calibrateProbe(
        ProbeKey(site: "hx", sensor: "p1"), certificate: "VMI-2026-0117",
        at: Timestamp.parseRFC3339("2026-03-01T09:00:00+07:00")!,
        due: Timestamp.parseRFC3339("2026-09-01T09:00:00+07:00")!, by: "Minh", now: time(150),
        rule: CalibrationRule())
      let warm = SensorKey(site: "hx", room: "cold2", sensor: "p2")
      let opened = try tx.apply(
        AlertEvent(
          type: .opened, key: warm, kind: .tempHigh, severity: .warning, productID: "litchi",
          at: time(69).adding(
            seconds: 900), limit: 5, value: 6.2, peak: 6.3, message: "temperature above 5 °C"))
      _ = try tx.acknowledge(
        alertID: opened.alert.id, by: "Lan", note: "Cửa kho mở khi nhập hàng", at: time(70).adding(seconds: 300))
      _ = try tx.apply(
        AlertEvent(
          type: .resolved, key: warm, kind: .tempHigh, severity: .warning, productID: "litchi", at: time(74),
          limit: 5, value: 3.2, peak: 6.5, message: "temperature back below 5 °C"))
      _ = try tx.apply(
        AlertEvent(
          type: .opened, key: SensorKey(site: "hx", room: "cold3", sensor: "a3"), kind: .offline, severity: .warning,
          productID: "litchi", at: time(100), limit: nil, value: nil, peak: nil, message: "no reading for 10 min"))
    }
    return store
  }
}
