import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A `[[source]]`'s readings, group-committed at QoS 0 and committed before their PUBACK at QoS 1: a burst of each (from
/// one `mosquitto_pub -l`, a message per line) through a real broker into the real collector are all stored exactly
/// once, each at its own time with its own value, and a malformed message among them is quarantined with its reason
/// without holding up the readings after it.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SourceGroupCommitTests {
  static let config = """
    [[source]]
    id = "farm-json"
    site = "hx"
    preset = "json"
    topic = "farm/{room}/{sensor}/json"
    temperature_field = "t"
    time = "payload"
    time_field = "ts"
    """

  /// Readings per burst; the malformed message goes in after the first half.
  static let count = 400

  @Test(arguments: [0, 1]) func aBurstIsStoredOnceInOrderWithItsBadMessageQuarantined(qos: Int) throws {
    let rig = try SourceRig(config: Self.config, filters: ["farm/+/+/json"])
    defer { rig.stop() }
    let start = SourceClock.secondsAgo(3_600) * 1000
    var lines: [String] = []
    for index in 0..<Self.count {
      if index == Self.count / 2 { lines.append(#"{"t":"#) }
      // Milliseconds apart, as a fast sensor's own clock would stamp them; °C with a value that names the index.
      let ms = start + Int64(index) * 7
      lines.append(#"{"t":\#(Double(index) / 100),"ts":\#(ms / 1000).\#(String(format: "%03d", Int(ms % 1000)))}"#)
    }
    let file = rig.facility.directory.appendingPathComponent("burst-\(qos).txt")
    try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: "/bin/sh"),
      [
        "-c", "\"$0\" -h 127.0.0.1 -p \"$1\" -q \"$2\" -t farm/cold1/p\"$2\"/json -l < \"$3\"", pub,
        String(rig.broker.port), String(qos), file.path,
      ])
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")

    try rig.expectReadings(Self.count)
    let stored = try rig.readings(sensor: "p\(qos)")
    #expect(stored.count == Self.count)
    for (index, reading) in stored.enumerated() {
      #expect(reading.sample.ts == Timestamp(milliseconds: start + Int64(index) * 7), "reading \(index)")
      #expect(reading.sample.tempC == Double(index) / 100, "reading \(index)")
      #expect(reading.sample.seq == nil)
    }
    #expect(try rig.quarantined() == ["malformed_json": 1])
  }

  /// A QoS 1 reading is committed before its PUBACK leaves (the broker would not deliver it again after a crash):
  /// the collector reaches the broker through a proxy that, as each PUBACK passes, counts the readings stored. A
  /// collector that acknowledged first and committed in its group commit would be caught with fewer.
  @Test func aQoS1ReadingIsInTheDatabaseBeforeItsPUBACKLeaves() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    let watch = PUBACKAfterCommitWatch(topicPrefix: "farm/", database: facility.database)
    let proxy = try LoopbackProxy(targetPort: broker.port) { watch.inspect(fromCollector: $0, bytes: $1) }
    defer { proxy.stop() }
    let config = facility.directory.appendingPathComponent("collector.toml")
    try Self.config.write(to: config, atomically: true, encoding: .utf8)
    try facility.startCollector(brokerURL: proxy.url, arguments: ["--config", config.path])
    defer { facility.stopCollector() }
    #expect(eventually(timeout: 20) { facility.collectorLog.contains("subscribed to farm/+/+/json") })

    try Self.publishBurst(Self.count, start: SourceClock.secondsAgo(3_600) * 1000, in: facility, port: broker.port)

    #expect(eventually(timeout: 30) { watch.acknowledged.count == Self.count }, "\(watch.acknowledged.count) PUBACKs")
    let early = watch.acknowledged.filter { $0.stored < $0.message }
    let example = early.first.map { "message \($0.message) with \($0.stored) stored" } ?? ""
    #expect(early.isEmpty, "\(early.count) PUBACKs left before their reading was stored, e.g. \(example)")
    #expect(watch.acknowledged.map(\.message) == Array(1...Self.count), "one PUBACK per message, in order")
  }
}
