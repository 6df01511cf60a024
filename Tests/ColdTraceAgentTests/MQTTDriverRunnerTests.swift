import ColdTraceCore
import ColdTraceMQTT
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceAgent

/// The `mqtt` driver in `AgentRunner`, on in-memory transports and the manual clock: what it writes to the card for
/// each batch from the site broker, and what stops a retained state from coming back as a new sample after a restart.
struct MQTTDriverRunnerTests {
  static let topic = "zigbee2mqtt/cold2-snzb1"

  /// A Zigbee2MQTT state of the probe, timed by the device: `second` seconds after the manual clock's start.
  static func state(_ second: Int, tempC: Double) -> String {
    let ms = ManualClock().start.milliseconds + Int64(second) * 1000
    return #"{"battery":90,"humidity":88.5,"temperature":\#(tempC),"last_seen":\#(ms)}"#
  }

  /// One run of the agent: `script` delivers the site broker's messages on the clock; returns the readings the agent
  /// published uplink.
  static func run(
    directory: String, rounds: Int, script: (ManualClock, InMemoryTransport) -> Void
  ) throws -> [DecodedReading] {
    let config = try MQTTDriverTests.load(
      "state_dir = \"\(directory)\"\ninterval_seconds = 1\n" + MQTTDriverTests.zigbee)
    let uplink = InMemoryTransport()
    let site = InMemoryTransport()
    let clock = ManualClock()
    clock.at(elapsed: 0.5) {
      uplink.connect()
      site.connect()
    }
    script(clock, site)
    let factory: MessageTransportFactory = { options, onMessage, onEvent in
      try (options.clientID.hasSuffix("-site-1") ? site : uplink).factory(options, onMessage, onEvent)
    }
    let runner = AgentRunner(
      configuration: config, logger: Logger(label: "mqtt-driver-test"), transport: factory, clock: clock)
    try runner.run(maxSamples: rounds, drainSeconds: 0) { false }
    return try uplink.publications(matching: "coldtrace/v1/reading/+/+/+").map { publication in
      try ReadingDecoder.decode(topic: publication.topic, payload: publication.payload, now: clock.now()).get()
    }
  }

  @Test func aBatchFromTheSiteBrokerIsNotFollowedByASaveYetARetainedStateStaysNoNewSampleAfterACrash() throws {
    let directory = try TemporaryDirectory.make(prefix: "mqtt-driver").path
    let lastSamples = directory + "/" + LastMappedSamples.fileName
    let savedMidRun = Mutex(false)
    let first = try Self.run(directory: directory, rounds: 5) { clock, site in
      for second in 1...3 {
        clock.at(elapsed: Double(second)) {
          site.deliver(topic: Self.topic, text: Self.state(second, tempC: 2 + Double(second) / 10))
        }
      }
      clock.at(elapsed: 3.5) { savedMidRun.withLock { $0 = FileManager.default.fileExists(atPath: lastSamples) } }
    }
    #expect(first.flatMap { $0.samples.compactMap(\.seq) } == [1, 2, 3])
    #expect(!savedMidRun.withLock { $0 }, "the last-sample file was replaced after a batch (two fsyncs each)")

    // A crash before anything saved it: the file is gone; the outbox still holds the samples.
    try? FileManager.default.removeItem(atPath: lastSamples)
    let second = try Self.run(directory: directory, rounds: 3) { clock, site in
      clock.at(elapsed: 1) { site.deliver(topic: Self.topic, text: Self.state(3, tempC: 2.3), retain: true) }
      clock.at(elapsed: 2) { site.deliver(topic: Self.topic, text: Self.state(4, tempC: 2.4)) }
    }
    #expect(second.flatMap { $0.samples.map(\.tempC) }.last == 2.4)
    #expect(try Outbox(directory: directory).nextSequence(for: "snzb1") == 5, "the retained state came back as new")
  }

  @Test func theLastSampleFileIsSavedBeforeTheOutboxForgetsASample() throws {
    let directory = try TemporaryDirectory.make(prefix: "mqtt-driver").path
    let outbox = try Outbox(directory: directory, limits: Outbox.Limits(segmentBytes: 1))
    let store = LastMappedSamplesStore(
      directory: directory, outbox: outbox, reservedIDs: ["p1"], logger: Logger(label: "mqtt-driver-test"))
    let mapped = OutboxRecord(
      sensor: "snzb1", room: "cold2", sample: Sample(seq: 1, ts: Timestamp(seconds: 1_780_000_000), tempC: 2.1))
    try outbox.append([mapped])
    store.note([mapped])
    try outbox.append([
      OutboxRecord(sensor: "p1", room: "cold2", sample: Sample(seq: 1, ts: .init(seconds: 9), tempC: 1))
    ])
    #expect(LastMappedSamples.load(directory: directory) == LastMappedSamples(), "saved for a batch")
    try outbox.acknowledge(["snzb1": 1])  // deletes the segment that holds it
    #expect(LastMappedSamples.load(directory: directory).isReplay(mapped.sample, of: "snzb1"))
    // A restart lays the outbox's newest records over the file, the agent's own probes left out.
    let restarted = LastMappedSamplesStore(
      directory: directory, outbox: try Outbox(directory: directory), reservedIDs: ["p1"],
      logger: Logger(label: "mqtt-driver-test"))
    #expect(restarted.samples.samples.keys.sorted() == ["snzb1"])
  }
}
