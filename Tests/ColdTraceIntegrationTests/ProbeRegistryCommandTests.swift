import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The probe registry through the real binaries: a site whose `probe_policy` is `hold` keeps unknown probes'
/// readings in quarantine until `coldtrace probe approve`; `probe reject` keeps them there silently; an agent's
/// announced probes are stored without approval.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ProbeRegistryCommandTests {
  @Test func heldProbesWaitForApprovalAndRejectedOnesStayQuarantined() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    let config = try facility.collectorConfig(
      """
      offline_after_minutes = 0.2

      [sites]
      probe_policy = "hold"
      """)
    try facility.startCollector(arguments: config)
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: broker, clientID: "bridge")
    for sensor in ["zb-1", "zb-2", "zb-2"] {
      try publisher.publish("coldtrace/v1/reading/hongxuan/cold3/\(sensor)", secondsAgo: 40)
    }
    #expect(eventually(timeout: 20) { (try? store.counts().quarantinedByReason["unknown_probe"]) == 3 })
    #expect(try store.counts().readings == 0)

    let pending = try facility.shell(["probe", "pending", "--json"])
    #expect(pending.status == 0)
    let lines = pending.stdout.split(separator: "\n").compactMap {
      (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
    #expect(lines.map { $0["sensor"] as? String } == ["zb-1", "zb-2"])
    #expect(lines.map { $0["messages"] as? Int } == [1, 2])
    #expect(lines.allSatisfy { $0["room"] as? String == "cold3" && $0["state"] as? String == "pending" })
    let status = try facility.shell(["status"])
    #expect(status.stdout.contains("hongxuan: 2 unknown probes pending"), "\(status.stdout)")
    #expect(!status.stdout.contains("zb-1"))
    let statusJSON = try facility.shell(["status", "--json"])
    #expect(statusJSON.stdout.contains(#"{"site":"hongxuan","pending_probes":2}"#), "\(statusJSON.stdout)")
    #expect(!statusJSON.stdout.contains("zb-1"))

    // Bad input: one line, exit 2, nothing changed.
    for arguments in [
      ["probe", "approve", "hong$xuan/zb-1"], ["probe", "approve", "hongxuan"],
      ["probe", "approve", "hongxuan/never-seen", "--by", "lan"],
      ["probe", "approve", "hongxuan/zb-1", "--room", "cold/3"], ["probe", "reject", "hongxuan/zb 2"],
    ] {
      let result = try facility.shell(arguments)
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
    }
    #expect(try store.probeRegistry() == RegistryContents())

    let approved = try facility.shell(["probe", "approve", "hongxuan/zb-1", "--by", "lan"])
    #expect(approved.status == 0, "\(approved.stderr)")
    let rejected = try facility.shell(["probe", "reject", "hongxuan/zb-2", "--by", "lan"])
    #expect(rejected.status == 0, "\(rejected.stderr)")
    #expect(try facility.shell(["probe", "approve", "hongxuan/zb-1", "--by", "lan"]).status == 2)
    #expect(try facility.shell(["probe", "reject", "hongxuan/zb-1", "--by", "lan"]).status == 2)
    #expect(try facility.shell(["probe", "pending"]).stdout.contains("no unknown probes are waiting"))
    #expect(try facility.shell(["probe", "pending", "--all"]).stdout.contains("rejected"))
    #expect(try facility.shell(["probe", "list"]).stdout.contains("hongxuan/zb-1"))

    // The collector learns both at its next timer round: zb-1's readings are stored, zb-2's quarantined silently.
    #expect(
      eventually(timeout: 30) {
        try? publisher.publish("coldtrace/v1/reading/hongxuan/cold3/zb-1", secondsAgo: Double.random(in: 1...30))
        return (try? store.counts().readings) ?? 0 > 0
      })
    let logBefore = facility.collectorLog.components(separatedBy: "zb-2").count
    try publisher.publish("coldtrace/v1/reading/hongxuan/cold3/zb-2", secondsAgo: 5)
    #expect(eventually(timeout: 20) { (try? store.pendingProbes(site: nil, rejected: true).first?.messages) == 3 })
    #expect(facility.collectorLog.components(separatedBy: "zb-2").count == logBefore)
    #expect(try store.alerts(AlertFilter()).allSatisfy { $0.sensor != "zb-2" })

    let journal = try String(contentsOfFile: facility.journal, encoding: .utf8)
    #expect(journal.contains(#""event":"probe_approved""#))
    #expect(journal.contains(#""event":"probe_rejected""#))
    #expect(try facility.shell(["journal", "verify", facility.journal]).status == 0)
  }

  @Test func anAgentsAnnouncedProbesAreStoredUnderHold() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector(arguments: try facility.collectorConfig("[sites]\nprobe_policy = \"hold\"\n"))
    defer { facility.stopCollector() }
    let agent = try facility.startAgent(samples: 3, interval: 0.2)
    defer { agent.stop() }
    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually(timeout: 30) { (try? store.counts().readings) == 3 }, "\(facility.collectorLog)")
    // A first reading may race the agent's retained status and be quarantined (`unknown_probe`): the agent's outbox
    // sends it again, unacknowledged, and it is stored then.
    #expect(try store.counts().quarantinedByReason.keys.allSatisfy { $0 == "unknown_probe" })
    #expect(try store.probeRegistry().registered == [ProbeKey(site: "hongxuan", sensor: "cold2-air")])
  }
}
