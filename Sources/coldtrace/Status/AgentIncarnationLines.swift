import ColdTraceCore
import ColdTraceStorage

/// The agents section of `coldtrace status`: each agent's install (incarnation) as its status last announced it, and
/// when it changed, e.g. `hongxuan/hx-edge-1  incarnation 9f3c…  since 2026-12-07 12:10 (reinstalled; was 41aa…)`;
/// then each agent whose clock is wrong (an open `clock_skew`), e.g.
/// `hongxuan/hx-edge-1  clock wrong since 2026-12-07 12:20 (alert #12): the clock of agent … is 3 h 0 min behind …`.
/// Times are in the site's zone (`text.zones`).
enum AgentIncarnationLines {
  static func render(_ agents: [AgentIncarnation], clockSkews: [AlertRecord] = [], text: StatusText) -> String? {
    guard !agents.isEmpty || !clockSkews.isEmpty else { return nil }
    var lines = ["Agents"]
    for agent in agents {
      var line =
        "  \(agent.site)/\(agent.agent)  incarnation \(agent.incarnation)  since \(text.time(agent.since, site: agent.site))"
      if let previous = agent.previous { line += " (reinstalled; was \(previous))" }
      lines.append(line)
    }
    for alert in clockSkews {
      lines.append(
        "  \(alert.site)/\(alert.sensor)  clock wrong since \(text.time(alert.openedAt, site: alert.site)) (alert #\(alert.id)): \(alert.message)"
      )
    }
    return lines.joined(separator: "\n")
  }

  /// The `clock_skew` alerts open (or acknowledged and still open) in `store`.
  static func clockSkews(_ store: SQLiteStore) throws -> [AlertRecord] {
    var open = AlertFilter()
    open.state = .open
    var acked = AlertFilter()
    acked.state = .acked
    return try (store.alerts(open) + store.alerts(acked)).filter { $0.kind == .clockSkew }
  }
}
