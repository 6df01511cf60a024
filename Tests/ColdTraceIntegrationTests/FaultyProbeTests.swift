import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// Real drivers on a fixture sysfs tree, through the real broker and collector.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct FaultyProbeTests {
  private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

  @Test func aCRCFailingProbeReportsFaultsWhileTheOthersKeepFlowing() throws {
    // One healthy DS18B20 and one whose every read fails its CRC, on the same 1-wire bus.
    let root = try TemporaryDirectory.make(prefix: "sysfs")
    let devices = root.appendingPathComponent("sys/bus/w1/devices")
    try FileManager.default.createDirectory(at: devices, withIntermediateDirectories: true)
    for (tree, device) in [("sysfs-pi", "28-0316a2b3c4ff"), ("sysfs-faults", "28-000005e2fdc3")] {
      try FileManager.default.copyItem(
        at: Self.fixtures.appendingPathComponent("\(tree)/sys/bus/w1/devices/\(device)"),
        to: devices.appendingPathComponent(device))
    }
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let rounds = 6
    let agent = try facility.startAgent(
      samples: rounds, interval: 0.2,
      sensorTables: """
        [[sensor]]
        id = "rack-good"
        room = "cold2"
        driver = "w1"
        device = "28-0316a2b3c4ff"

        [[sensor]]
        id = "rack-bad"
        room = "cold2"
        driver = "w1"
        device = "28-000005e2fdc3"
        retries = 0
        """,
      arguments: ["--sysfs-root", root.path])
    #expect(agent.wait(seconds: 60))
    #expect(agent.exitStatus == 0)

    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually { (try? store.counts().readings) == 2 * rounds })
    let readings = try store.readings(ReadingFilter())
    let good = readings.filter { $0.key.sensor == "rack-good" }.map(\.sample)
    let bad = readings.filter { $0.key.sensor == "rack-bad" }.map(\.sample)
    #expect(good.count == rounds && bad.count == rounds)
    #expect(good.allSatisfy { $0.tempC == 3.437 && $0.error == nil })
    #expect(bad.allSatisfy { $0.tempC == nil && ($0.error ?? "").contains("CRC") }, "\(bad.map(\.error))")
    // Same rounds: the faulty probe never delayed the healthy one.
    #expect(good.map(\.ts) == bad.map(\.ts))
  }
}
