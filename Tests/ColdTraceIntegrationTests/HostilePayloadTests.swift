import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// A corpus of hostile payloads through a real broker into the real collector: each is quarantined with its reason,
/// the collector keeps running, and the next good reading is stored.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct HostilePayloadTests {
  private static let good = "coldtrace/v1/reading/hongxuan/cold2/probe-1"

  /// (topic, payload bytes, expected quarantine reason)
  private static func corpus() -> [(String, [UInt8], String)] {
    func text(_ payload: String, _ reason: String, topic: String = good) -> (String, [UInt8], String) {
      (topic, Array(payload.utf8), reason)
    }
    let ts = Int(Date().timeIntervalSince1970) - 60
    return [
      text(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000), "too_deep"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":1e400}"#, "non_finite"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":NaN}"#, "non_finite"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":Infinity}"#, "non_finite"),
      (good, Array(#"{"v":1,"ts":1,"agent":"a"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), "invalid_utf8"),
      (good, Array(repeating: UInt8(ascii: " "), count: 10 * 1024 * 1024), "too_large"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":3,"temp_c":90}"#, "duplicate_key"),
      text(#"{"v":"1","ts":\#(ts),"temp_c":3}"#, "wrong_type"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":"3"}"#, "wrong_type"),
      text(#"{"v":1,"ts":\#(ts),"agent":"x/../y","temp_c":3}"#, "invalid_id"),
      text(#"{"v":1,"ts":\#(ts),"agent":"edge'; DROP TABLE readings;--","temp_c":3}"#, "invalid_id"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":3}"#, "invalid_id", topic: "coldtrace/v1/reading/hong\"xuan/cold2/p1"),
      // (A topic with extra levels never matches the collector's `coldtrace/v1/reading/+/+/+`: the broker keeps it.)
      text(#"{"v":1,"ts":\#(ts),"seq":-4,"temp_c":3}"#, "bad_sequence"),
      text(#"{"v":1,"ts":\#(ts),"seq":99999999999999999999,"temp_c":3}"#, "bad_sequence"),
      text(#"{"v":1,"ts":"yesterday","temp_c":3}"#, "bad_timestamp"),
      text(#"{"v":1,"ts":\#(ts + 86_400),"temp_c":3}"#, "future_timestamp"),
      text("", "malformed_json"),
      text(#"{"v":1,"ts":\#(ts),"rh_pct":101}"#, "rh_out_of_range"),
      // Nested objects, not only arrays; a number written out in 400 digits; the negative infinity literal.
      text(String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000), "too_deep"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":1\#(String(repeating: "0", count: 400))}"#, "non_finite"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":-Infinity}"#, "non_finite"),
      // A 10 MB payload that is JSON all through (the spaces above are not).
      text(#"{"v":1,"ts":\#(ts),"error":"\#(String(repeating: "x", count: 10 * 1024 * 1024))"}"#, "too_large"),
      // A lone surrogate escape, and a duplicate key inside a batch's sample.
      text(#"{"v":1,"ts":\#(ts),"error":"\ud800"}"#, "invalid_utf8"),
      text(#"{"v":1,"samples":[{"ts":\#(ts),"temp_c":3,"ts":\#(ts)}]}"#, "duplicate_key"),
      // Wrong types in the envelope and the sample.
      text(#"{"v":1,"samples":{"ts":\#(ts),"temp_c":3}}"#, "wrong_type"),
      text(#"{"v":1,"ts":true,"temp_c":3}"#, "wrong_type"),
      // MQTT and SQL wildcards and SQL fragments as ids, in the payload and in a topic level (a topic may not carry
      // `+` or `#`: the broker refuses to publish it).
      text(#"{"v":1,"ts":\#(ts),"agent":"+","temp_c":3}"#, "invalid_id"),
      text(##"{"v":1,"ts":\##(ts),"agent":"#","temp_c":3}"##, "invalid_id"),
      text(#"{"v":1,"ts":\#(ts),"agent":"edge-%","temp_c":3}"#, "invalid_id"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":3}"#, "invalid_id", topic: "coldtrace/v1/reading/hongxuan/*/p1"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":3}"#, "invalid_id", topic: "coldtrace/v1/reading/x' OR '1'='1/cold2/p1"),
      text(#"{"v":1,"ts":\#(ts),"temp_c":3}"#, "invalid_id", topic: "coldtrace/v1/reading/hongxuan/cold2/p1;DROP"),
    ]
  }

  @Test func everyHostilePayloadIsQuarantinedAndTheNextGoodReadingIsStored() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let publisher = try MosquittoClient(
      options: ClientOptions(clientID: "hostile", broker: try BrokerAddress(url: broker.url)))
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })
    let corpus = Self.corpus()
    let acknowledged = Inbox()
    for (topic, payload, _) in corpus {
      try publisher.publish(topic: topic, payload: payload) { _ in acknowledged.add() }
    }
    let ts = Int(Date().timeIntervalSince1970) - 30
    try publisher.publish(topic: Self.good, payload: Array(#"{"v":1,"ts":\#(ts),"temp_c":3.3}"#.utf8)) { _ in
      acknowledged.add()
    }
    #expect(eventually(timeout: 30) { acknowledged.count == corpus.count + 1 })

    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually(timeout: 30) { (try? store.counts().readings) == 1 })
    #expect(try store.readings(ReadingFilter()).first?.sample.tempC == 3.3)
    let counts = try store.counts().quarantinedByReason
    var expected: [String: Int] = [:]
    for (_, _, reason) in corpus { expected[reason, default: 0] += 1 }
    #expect(counts == expected)
    #expect(facility.collectorLog.contains("quarantined payload"))
    #expect(!facility.collectorLog.contains("critical"))
  }
}

/// Counts completions from the network thread.
private final class Inbox: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  func add() { lock.withLock { value += 1 } }
  var count: Int { lock.withLock { value } }
}
