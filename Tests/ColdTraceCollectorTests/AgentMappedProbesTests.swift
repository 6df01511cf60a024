import ColdTraceCore
import Testing

@testable import ColdTraceCollector

/// The offline limits of the probes an agent reads through its `mqtt` driver, from the `mqtt_probes` of its status.
@Suite("Agent mqtt probes' offline limits")
struct AgentMappedProbesTests {
  private let agent = AgentKey(site: "hx", agent: "hx-edge-1")
  private let probe = ProbeKey(site: "hx", sensor: "snzb1")
  private let last = Timestamp(seconds: 1_795_923_600)

  @Test("the source's limit; less once the device announced itself offline; a new status replaces the old")
  func limits() {
    let probes = AgentMappedProbes()
    #expect(probes.offlineAfterSeconds(of: probe, lastReading: last) == nil)
    var report = SiteProbeReport()
    report.offlineAfterMinutes = 90
    probes.receive(["snzb1": report], from: agent)
    #expect(probes.offlineAfterSeconds(of: probe, lastReading: last) == 5_400)
    #expect(probes.offlineAfterSeconds(of: ProbeKey(site: "other", sensor: "snzb1"), lastReading: last) == nil)
    report.unavailableSince = last.adding(seconds: 60)
    report.graceMinutes = 2
    probes.receive(["snzb1": report], from: agent)
    #expect(probes.offlineAfterSeconds(of: probe, lastReading: last) == 180)
    probes.receive([:], from: agent)
    #expect(probes.offlineAfterSeconds(of: probe, lastReading: last) == nil)
  }
}
