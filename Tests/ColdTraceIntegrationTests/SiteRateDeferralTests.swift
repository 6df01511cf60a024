import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// A real agent over its site's `max_readings_per_second`, with a real broker and collector: the readings over the
/// rate are not kept (no quarantine transaction each) and not acknowledged, the agent sends them again, and in the
/// end every sample of every probe is stored, none in quarantine, and the log says why once.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SiteRateDeferralTests {
  @Test func anAgentOverItsSitesRateLosesNothingItsReadingsComeAgain() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let config = try facility.collectorConfig(
      """
      offline_after_minutes = 10080

      [sites.hongxuan]
      max_readings_per_second = 3
      burst_readings = 4
      """)
    try facility.startCollector(arguments: config)
    let store = try SQLiteStore(path: facility.database, create: false)
    // 3 probes, 10 rounds a second for 3 s: 30 messages a second against 3.
    let rounds = 30
    let agent = try facility.startAgent(
      samples: rounds, interval: 0.1, extraSensors: ["cold2-b", "cold2-c"], acknowledgementTimeout: 1,
      arguments: ["--drain-seconds", "90"])
    defer { agent.stop() }
    #expect(eventually(timeout: 120) { (try? store.counts().readings) == 3 * rounds })
    #expect(agent.wait(seconds: 60), "the agent saw everything confirmed and stopped")
    #expect(try store.counts().quarantinedByReason.isEmpty, "nothing over the rate was kept in quarantine")
    for sensor in ["cold2-air", "cold2-b", "cold2-c"] {
      var filter = ReadingFilter()
      filter.sensor = sensor
      #expect(try store.readings(filter).compactMap(\.sample.seq) == Array(1...Int64(rounds)), "\(sensor)")
    }
    facility.stopCollector()
    let log = try String(
      contentsOf: facility.directory.appendingPathComponent("collector-1.log"), encoding: .utf8)
    #expect(log.contains("site hongxuan is over its max_readings_per_second"))
    let deferred = log.split(separator: "\n").last { $0.contains("collector stopped") }
    #expect(deferred.map { !$0.contains("deferred=0 ") } == true, "some readings were left to the agent")
  }
}
