import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Through a real mosquitto and the real collector: a retired probe raises no `offline` while an active silent one
/// does, its late readings are stored without bringing it back, and the collector's timer raises `calibration_due`
/// for a probe whose calibration falls due.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct RetiredProbeTests {
  @Test func aRetiredProbeStaysQuietWhileAnActiveSilentOneGoesOffline() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    let now = WallClock.now()
    // Calibrated a year ago, due in five days: the collector's first timer round raises calibration_due.
    let store = try SQLiteStore(path: facility.database)
    _ = try store.write { tx in
      _ = try tx.sourceID(for: SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-air"), agent: "hx-edge-1")
      let yearAgo = now.adding(seconds: -360 * 86_400)
      return try tx.calibrateProbe(
        ProbeKey(site: "hongxuan", sensor: "cold2-air"), certificate: "VN-CAL-7", at: yearAgo,
        due: now.adding(seconds: 5 * 86_400), by: "lan", now: yearAgo, rule: CalibrationRule())
    }
    let config = facility.directory.appendingPathComponent("collector.toml")
    try "offline_after_minutes = 0.05\n".write(to: config, atomically: true, encoding: .utf8)
    try facility.startCollector(arguments: ["--config", config.path])
    defer { facility.stopCollector() }
    var air = AlertFilter()
    air.sensor = "cold2-air"
    #expect(
      eventually(timeout: 20) {
        (try? store.alerts(air))?.contains { $0.kind == .calibrationDue && $0.severity == .warning } == true
      }, "\(facility.collectorLog)")

    // Two boxes: the old probe's goes silent first, and its probe goes offline like any active probe.
    let oldBox = try facility.startAgent(agent: "hx-edge-2", sensor: "cold2-old", interval: 0.5)
    let airBox = try facility.startAgent(agent: "hx-edge-1", sensor: "cold2-air", interval: 0.5)
    defer { airBox.stop() }
    var old = AlertFilter()
    old.sensor = "cold2-old"
    func readings(_ sensor: String) -> Int {
      var filter = ReadingFilter()
      filter.sensor = sensor
      return (try? store.readings(filter).count) ?? 0
    }
    #expect(eventually(timeout: 20) { readings("cold2-old") >= 3 })
    oldBox.kill()
    #expect(eventually(timeout: 20) { (try? store.alerts(old))?.contains { $0.kind == .offline } == true })
    let retired = try facility.shell(["probe", "retire", "hongxuan/cold2-old", "--reason", "replaced", "--by", "lan"])
    #expect(retired.status == 0, "\(retired.stderr)")
    #expect(retired.stdout.contains("offline resolved"), "\(retired.stdout)")

    // It still reports: stored, still retired, and the collector is not thrown by an offline it cannot resolve.
    let stray = try facility.startAgent(agent: "hx-edge-2", sensor: "cold2-old", interval: 0.5)
    let before = readings("cold2-old")
    #expect(eventually(timeout: 20) { readings("cold2-old") >= before + 3 })
    stray.kill()
    let listed = try facility.shell(["probe", "list", "--all", "--json"])
    #expect(listed.stdout.contains("\"sensor\":\"cold2-old\",\"room\":\"cold2\""))
    #expect(listed.stdout.contains("\"state\":\"retired\""))
    #expect(try store.counts().quarantinedByReason.isEmpty, "no reading failed to store")

    // Then the air probe's box dies too, after the old one: when the active probe goes offline, the retired one,
    // silent for longer, was judged in the same round and raised nothing.
    airBox.kill()
    #expect(eventually(timeout: 20) { (try? store.alerts(air))?.contains { $0.kind == .offline } == true })
    let oldAlerts = try store.alerts(old).filter { $0.kind == .offline }
    #expect(oldAlerts.count == 1 && oldAlerts.first?.state == .resolved)
    #expect(oldAlerts.first?.message.contains("retired") == true)

    // A new calibration with a later due date resolves calibration_due; the journal's chain holds.
    let recalibrated = try facility.shell(
      ["probe", "calibrate", "hongxuan/cold2-air", "--certificate", "VN-CAL-8", "--due", "2099-01-01", "--by", "lan"])
    #expect(recalibrated.stdout.contains("calibration_due resolved"), "\(recalibrated.stdout)")
    facility.stopCollector()
    let verified = try facility.shell(["journal", "verify", facility.journal])
    #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
  }
}
