import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Readings from `mosquitto_pub` (a client nobody here wrote), good and bad.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ForeignPublisherTests {
  @Test func aReadingFromMosquittoPubIsStoredAndAMalformedOneIsQuarantinedWithoutBlockingTheNext() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    #expect(eventually { facility.collectorLog.contains("subscribed to coldtrace/v1/reading/+/+/+") })
    let store = try SQLiteStore(path: facility.database, create: false)

    let now = Date().timeIntervalSince1970
    try publish(
      broker, "coldtrace/v1/reading/hongxuan/cold2/door-probe", #"{"v":1,"ts":\#(Int(now) - 60),"temp_c":3.4}"#)
    #expect(eventually { (try? store.counts().readings) == 1 })

    let bad: [(String, String, String)] = [
      ("coldtrace/v1/reading/hongxuan/cold2/door-probe", #"{"v":1,"ts":"#, "malformed_json"),
      ("coldtrace/v1/reading/hongxuan/cold2/door-probe", #"{"v":2,"ts":1,"temp_c":3}"#, "unknown_version"),
      ("coldtrace/v1/reading/hongxuan/cold2/door-probe", #"{"v":1,"ts":1,"temp_c":99}"#, "temp_out_of_range"),
      ("coldtrace/v1/reading/hong$xuan/cold2/door-probe", #"{"v":1,"ts":1,"temp_c":3}"#, "invalid_id"),
    ]
    for (topic, payload, _) in bad { try publish(broker, topic, payload) }
    try publish(
      broker, "coldtrace/v1/reading/hongxuan/cold2/door-probe",
      #"{"v":1,"ts":"\#(Timestamp(milliseconds: Int64(now * 1000) - 30_000).rfc3339)","temp_c":3.6,"rh_pct":91}"#)

    #expect(eventually { (try? store.counts().readings) == 2 })
    #expect(eventually { (try? store.counts().quarantinedByReason.values.reduce(0, +)) == bad.count })
    let counts = try store.counts()
    for (_, _, reason) in bad { #expect(counts.quarantinedByReason[reason] == 1, "no \(reason) in \(counts)") }
    let stored = try store.readings(ReadingFilter())
    #expect(stored.map(\.sample.tempC) == [3.4, 3.6])
    #expect(stored.allSatisfy { $0.sample.seq == nil && $0.agent == nil })

    // The same reading again (same sensor, same ts, no seq) is stored once.
    try publish(
      broker, "coldtrace/v1/reading/hongxuan/cold2/door-probe", #"{"v":1,"ts":\#(Int(now) - 60),"temp_c":3.4}"#)
    try publish(
      broker, "coldtrace/v1/reading/hongxuan/cold2/door-probe", #"{"v":1,"ts":\#(Int(now) - 59),"temp_c":3.5}"#)
    #expect(eventually { (try? store.counts().readings) == 3 })
    #expect(try store.counts().readings == 3)
  }

  private func publish(_ broker: MosquittoBroker, _ topic: String, _ payload: String) throws {
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: pub), ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", topic, "-m", payload])
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }
}
