import ColdTraceCore
import ColdTraceMQTT
import Logging
import TestSupport

@testable import ColdTraceAgent

/// An `OutboxSender` on a fresh outbox, publishing through an in-memory transport, with a manual clock: what the
/// agent's sampling thread does, one call at a time.
final class SenderHarness {
  let transport = InMemoryTransport()
  let clock = ManualClock()
  let outbox: Outbox
  let sender: OutboxSender
  let client: any MessageTransport

  init(acknowledgementTimeout: Double = 30) throws {
    outbox = try Outbox(directory: try TemporaryDirectory.make(prefix: "sender").path)
    sender = OutboxSender(
      outbox: outbox, site: "hx", agent: "edge-1", acknowledgementTimeout: acknowledgementTimeout,
      logger: Logger(label: "sender-test"))
    client = try transport.factory(
      ClientOptions(clientID: "edge-1", broker: BrokerAddress(host: "127.0.0.1")), { _ in }, { _ in })
    client.start()
  }

  /// Samples `count` consecutive readings of each sensor, numbered by the outbox, stamped with the clock.
  func samples(_ sensors: [String], count: Int = 1) -> [OutboxRecord] {
    sensors.flatMap { sensor in
      let first = outbox.nextSequence(for: sensor)
      return (0..<Int64(count)).map { offset in
        OutboxRecord(
          sensor: sensor, room: "cold1",
          sample: Sample(seq: first + offset, ts: clock.now(), tempC: 3.5, rhPct: 90))
      }
    }
  }

  /// `OutboxSender.record` as the agent calls it: connected or not, as the transport is now.
  func record(_ records: [OutboxRecord]) throws {
    try sender.record(records, connected: client.isConnected, publish: publish)
  }

  /// One round of the agent's loop: `OutboxSender.pump` at the clock's time.
  func pump() throws {
    try sender.pump(
      now: clock.now(), connected: client.isConnected, inFlight: { self.client.unacknowledgedCount },
      publish: publish)
  }

  /// The collector's acknowledgement watermarks.
  func acknowledge(_ watermarks: [String: Int64]) throws {
    try sender.acknowledge(watermarks, now: clock.now())
  }

  private func publish(_ topic: String, _ payload: [UInt8]) throws {
    try client.publish(topic: topic, payload: payload) { _ in }
  }

  /// One reading message as it reached the broker.
  struct Sent: Equatable {
    var sensor: String
    var seqs: [Int64]
    var isBatch: Bool
  }

  /// Every reading message sent so far (after the first `skipping`), decoded, in order.
  func sent(skipping: Int = 0) -> [Sent] {
    transport.publications(matching: "coldtrace/v1/reading/#").dropFirst(skipping).map { publication in
      let decoded = ReadingDecoder.decode(
        topic: publication.topic, payload: publication.payload, now: clock.now().adding(seconds: 60))
      guard case .success(let reading) = decoded else { return Sent(sensor: "?", seqs: [], isBatch: false) }
      return Sent(sensor: reading.key.sensor, seqs: reading.samples.compactMap(\.seq), isBatch: reading.isBatch)
    }
  }

  /// Every `seq` sent for `sensor`, in the order sent.
  func seqsSent(of sensor: String) -> [Int64] {
    sent().filter { $0.sensor == sensor }.flatMap(\.seqs)
  }
}
