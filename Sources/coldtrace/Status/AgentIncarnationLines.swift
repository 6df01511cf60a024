import ColdTraceCore
import ColdTraceStorage

/// The agents section of `coldtrace status`: each agent's install (incarnation) as its status last announced it, and
/// when it changed, e.g. `hongxuan/hx-edge-1  incarnation 9f3c…  since 2026-12-07 12:10 (reinstalled; was 41aa…)`;
/// then each agent whose clock is wrong (an open `clock_skew`), e.g.
/// `hongxuan/hx-edge-1  clock wrong since 2026-12-07 12:20 (alert #12): the clock of agent … is 3 h 0 min behind …`.
/// Times are in the site's zone (`text.zones`). With `--json`, one line per agent (`jsonLines`), times in UTC.
enum AgentIncarnationLines {
  static func render(_ agents: [AgentIncarnation], clockSkews: [AlertRecord] = [], text: StatusText) -> String? {
    guard !agents.isEmpty || !clockSkews.isEmpty else { return nil }
    let vi = text.language == .vi
    var lines = [vi ? "Thiết bị biên" : "Agents"]
    for agent in agents {
      let since = text.time(agent.since, site: agent.site)
      var line = "  \(agent.site)/\(agent.agent)  " + (vi ? "bản cài" : "incarnation") + " \(agent.incarnation)  "
      line += (vi ? "từ " : "since ") + since
      if let previous = agent.previous {
        line += vi ? " (đã cài lại; trước đó \(previous))" : " (reinstalled; was \(previous))"
      }
      lines.append(line)
    }
    for alert in clockSkews {
      let since = text.time(alert.openedAt, site: alert.site)
      let what =
        vi ? "đồng hồ sai từ \(since) (cảnh báo #\(alert.id))" : "clock wrong since \(since) (alert #\(alert.id))"
      lines.append("  \(alert.site)/\(alert.sensor)  \(what): \(alert.message)")
    }
    return lines.joined(separator: "\n")
  }

  /// The `clock_skew` alerts open (or acknowledged and still open) in `store`.
  static func clockSkews(_ store: ShellStore) throws -> [AlertRecord] {
    var open = AlertFilter()
    open.state = .open
    var acked = AlertFilter()
    acked.state = .acked
    return try (store.alerts(open) + store.alerts(acked)).filter { $0.kind == .clockSkew }
  }

  /// With `--json`, after the probes and the pending lines: one line per agent known by its install or a
  /// `clock_skew`, `{"site","agent","incarnation","incarnation_since","clock_skew"}` (no `sensor` field, so a filter
  /// on probe fields passes over it). `clock_skew` is null while the agent's clock agrees with the collector's, else
  /// `{"alert_id","state","since","message"}` of its open alert (`state` `open` or `acked`).
  static func jsonLines(_ agents: [AgentIncarnation], clockSkews: [AlertRecord]) -> [String] {
    var installs: [AgentKey: AgentIncarnation] = [:]
    for agent in agents { installs[AgentKey(site: agent.site, agent: agent.agent)] = agent }
    var skews: [AgentKey: AlertRecord] = [:]
    for alert in clockSkews { skews[AgentKey(site: alert.site, agent: alert.sensor)] = alert }
    let keys = Set(installs.keys).union(skews.keys).sorted { ($0.site, $0.agent) < ($1.site, $1.agent) }
    return keys.map { key in
      JSONObjectWriter.object { json in
        json.string("site", key.site)
        json.string("agent", key.agent)
        json.string("incarnation", installs[key]?.incarnation)
        json.string("incarnation_since", installs[key]?.since.rfc3339)
        json.object("clock_skew", skews[key]) { json, alert in
          json.integer("alert_id", alert.id)
          json.string("state", alert.state.rawValue)
          json.string("since", alert.openedAt.rfc3339)
          json.string("message", alert.message)
        }
      }
    }
  }
}
