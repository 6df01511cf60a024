import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A publisher that numbers a probe from 1 again without a new `inc` (`mosquitto_pub`, a client nobody here wrote):
/// every reused number with new content is kept in quarantine as `seq_reused`, one `seq_reset` warning opens (and
/// resolves once a new number is stored), and a true re-send stays a silent duplicate.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct SequenceReuseTests {
  @Test func aPublisherRestartingItsSeqIsQuarantinedWithOneAlertNotDroppedSilently() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    #expect(eventually { facility.collectorLog.contains("subscribed to coldtrace/v1/reading/+/+/+") })
    let store = try SQLiteStore(path: facility.database, create: false)
    let topic = "coldtrace/v1/reading/hongxuan/cold2/tp-probe"
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    func ts(_ millisecondsAgo: Int64) -> String { Timestamp(milliseconds: now - millisecondsAgo).rfc3339 }

    let first = (1...25).map { #"{"seq":\#($0),"ts":"\#(ts(600_000 - Int64($0) * 1000))","temp_c":3.4}"# }
    try publish(broker, topic, #"{"v":1,"samples":[\#(first.joined(separator: ","))]}"#)
    #expect(eventually { (try? store.counts().readings) == 25 })

    // Numbered again from 1, with new times and values.
    for seq in 1...20 {
      try publish(broker, topic, #"{"v":1,"seq":\#(seq),"ts":"\#(ts(60_000 - Int64(seq) * 1000))","temp_c":9.5}"#)
    }
    #expect(eventually(timeout: 20) { (try? store.counts().quarantinedByReason["seq_reused"]) == 20 })
    // A true re-send of seq 5: same ts, same value.
    try publish(broker, topic, #"{"v":1,"seq":5,"ts":"\#(ts(600_000 - 5000))","temp_c":3.4}"#)
    try publish(broker, topic, #"{"v":1,"seq":26,"ts":"\#(ts(1000))","temp_c":3.5}"#)
    #expect(eventually { (try? store.counts().readings) == 26 })
    facility.stopCollector()

    let counts = try store.counts()
    #expect(counts.readings == 26, "25 first readings and seq 26; none of the reused numbers")
    #expect(counts.quarantinedByReason == ["seq_reused": 20], "every reused number accounted for, the re-send silent")
    let resets = try store.alerts(AlertFilter()).filter { $0.kind == .seqReset }
    #expect(resets.count == 1, "one seq_reset alert, not one per message")
    #expect(resets.first?.severity == .warning && resets.first?.sensor == "tp-probe")
    #expect(resets.first?.state == .resolved, "seq 26, above every stored number, is stored as new and resolves it")
    #expect(try store.readings(ReadingFilter()).allSatisfy { $0.sample.tempC != 9.5 })
    #expect(facility.collectorLog.contains("seq_reused"))
  }

  private func publish(_ broker: MosquittoBroker, _ topic: String, _ payload: String) throws {
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: pub), ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", topic, "-m", payload])
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }
}
