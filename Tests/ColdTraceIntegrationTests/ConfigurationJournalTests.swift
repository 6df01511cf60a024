import ColdTraceCore
import Foundation
import TestSupport
import Testing

/// `coldtrace collect` journals the configuration it judges alerts by, once per change, in the hash chain.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ConfigurationJournalTests {
  @Test func aChangedConfigurationIsJournalledOnceAndTheChainVerifies() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    func journalLines() throws -> [[String: Any]] {
      try String(contentsOfFile: facility.journal, encoding: .utf8).split(separator: "\n").map {
        try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
      }
    }

    // First start, no config: litchi by default.
    try facility.startCollector()
    facility.stopCollector()
    let first = try journalLines()
    try #require(first.count == 1)
    #expect(first[0]["event"] as? String == "config_changed")
    #expect((first[0]["settings"] as? [String: String])?["default_product"] == "litchi")
    #expect(first[0]["changes"] as? [String] == ["first recorded configuration"])

    // The same configuration again: nothing new.
    try facility.startCollector()
    facility.stopCollector()
    #expect(try journalLines().count == 1)

    // Another default product and a room assignment.
    let config = facility.directory.appendingPathComponent("collector.toml")
    try """
    default_product = "longan"
    offline_after_minutes = 15

    [rooms]
    "hongxuan/cold3" = "chilled-pork-eu"
    """.write(to: config, atomically: true, encoding: .utf8)
    try facility.startCollector(arguments: ["--config", config.path])
    facility.stopCollector()
    let lines = try journalLines()
    try #require(lines.count == 2)
    #expect(
      lines[1]["changes"] as? [String] == [
        "default_product: litchi → longan", "offline_after_minutes: 10 → 15",
        "room hongxuan/cold3: (unset) → chilled-pork-eu",
      ])
    #expect(lines[1]["profiles_sha256"] as? String == first[0]["profiles_sha256"] as? String)

    let verified = try facility.shell(["journal", "verify"])
    #expect(verified.status == 0 && verified.stdout.hasPrefix("ok: 2 lines chained"), "\(verified.stderr)")
  }
}
