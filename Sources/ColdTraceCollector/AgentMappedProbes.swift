import ColdTraceCore
import Synchronization

/// The probes agents read from their sites' brokers through the `mqtt` driver, as the agents' retained statuses
/// report them (`mqtt_probes`, `SiteProbeReport`): each probe's source offline limit and its device's offline
/// announcement, for the `offline` rule, as `SourceRouter` keeps them for a `[[source]]`'s probes. A status with
/// `mqtt_probes` replaces what the same agent said before; one without (the will) changes nothing. The statuses are
/// retained, so a collector restart learns it all again at its first connection.
final class AgentMappedProbes: Sendable {
  private struct Conditions {
    var offlineAfterMinutes: Double?
    var unavailableSince: Timestamp?
    var graceSeconds: Double
  }

  private let probes = Mutex<[AgentKey: [ProbeKey: Conditions]]>([:])

  /// Takes the reports of `agent`'s status.
  func receive(_ reports: [String: SiteProbeReport], from agent: AgentKey) {
    var conditions: [ProbeKey: Conditions] = [:]
    for (sensor, report) in reports {
      conditions[ProbeKey(site: agent.site, sensor: sensor)] = Conditions(
        offlineAfterMinutes: report.offlineAfterMinutes, unavailableSince: report.unavailableSince,
        graceSeconds: (report.graceMinutes ?? 0) * 60)
    }
    probes.withLock { $0[agent] = conditions }
  }

  /// The offline limit, in seconds after its latest reading, of a probe an agent's status reports: its source's
  /// `offline_after_minutes`, or less once its device announced itself offline; `nil` for any other probe.
  func offlineAfterSeconds(of probe: ProbeKey, lastReading: Timestamp) -> Double? {
    probes.withLock { agents in
      var limit: Double?
      for conditions in agents.values {
        guard let known = conditions[probe] else { continue }
        if let minutes = known.offlineAfterMinutes { limit = min(limit ?? .infinity, minutes * 60) }
        if let since = known.unavailableSince {
          let announced = max(0, since.adding(seconds: known.graceSeconds).seconds(since: lastReading))
          limit = min(limit ?? .infinity, announced)
        }
      }
      return limit
    }
  }
}
