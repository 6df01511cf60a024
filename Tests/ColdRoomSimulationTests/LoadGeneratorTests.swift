import ColdTraceCore
import ColdTraceMQTT
import Foundation
import Synchronization
import TestSupport
import Testing

/// `coldtrace-sim load` against a real mosquitto: what it says it sent is what a subscriber receives.
@Suite("Load generator", .serialized, .timeLimit(.minutes(10)))
struct LoadGeneratorTests {
  /// Messages and samples a subscriber saw, with every (topic, seq).
  final class Tally: Sendable {
    let state = Mutex((messages: 0, seqs: Set<String>()))

    func receive(_ message: ReceivedMessage) {
      let text = String(decoding: message.payload, as: UTF8.self)
      var found: [String] = []
      for part in text.split(separator: "\"seq\":").dropFirst() {
        found.append("\(message.topic)#\(part.prefix { $0.isNumber })")
      }
      state.withLock {
        $0.messages += 1
        $0.seqs.formUnion(found)
      }
    }
  }

  static func field(_ name: String, in line: Substring) -> Int? {
    line.split(separator: " ").first { $0.hasPrefix("\(name)=") }.flatMap { Int($0.dropFirst(name.count + 1)) }
  }

  @Test("single payloads and batches: the subscriber counts what the generator printed", arguments: [1, 4])
  func countsMatch(batch: Int) throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let tally = Tally()
    var options = ClientOptions(clientID: "load-counter", broker: try BrokerAddress(url: broker.url))
    options.protocolVersion = .v311
    let subscriber = try MosquittoClient(options: options, onMessage: tally.receive)
    try subscriber.subscribe(Topics.readingFilter)
    subscriber.start()
    defer { subscriber.stop() }
    #expect(eventually { subscriber.isSubscribed })

    let result = try Executables.run(
      Executables.product("coldtrace-sim"),
      [
        "load", "--broker", broker.url, "--sites", "3", "--sensors", "4", "--rate", "10", "--duration", "2",
        "--batch", "\(batch)",
      ])
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try #require(result.stdout.split(separator: "\n").last { $0.hasPrefix("sent ") })
    let messages = try #require(Self.field("messages", in: summary))
    let samples = try #require(Self.field("samples", in: summary))
    #expect(Self.field("acknowledged", in: summary) == messages)
    #expect(samples == 3 * 4 * 20)
    #expect(messages == 3 * 4 * ((20 + batch - 1) / batch))
    #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("sensor ") }.count == 12)
    #expect(eventually { tally.state.withLock { $0.messages } >= messages })
    let seen = tally.state.withLock { $0 }
    #expect(seen.messages == messages)
    #expect(seen.seqs.count == samples)
  }
}
