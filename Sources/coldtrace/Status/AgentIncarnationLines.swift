import ColdTraceCore
import ColdTraceStorage

/// The agents section of `coldtrace status`: each agent's install (incarnation) as its status last announced it, and
/// when it changed, e.g. `hongxuan/hx-edge-1  incarnation 9f3c…  since 2026-12-07T05:10:02.114Z (reinstalled; was 41aa…)`.
enum AgentIncarnationLines {
  static func render(_ agents: [AgentIncarnation]) -> String? {
    guard !agents.isEmpty else { return nil }
    var lines = ["Agents"]
    for agent in agents {
      var line = "  \(agent.site)/\(agent.agent)  incarnation \(agent.incarnation)  since \(agent.since.rfc3339)"
      if let previous = agent.previous { line += " (reinstalled; was \(previous))" }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}
