import ColdTraceAgent
import ColdTraceCore

/// What `check-config` and `probe --config` print about the edge alarm: its settings, and the limits it holds in the
/// state directory for each room of the configuration, so an installer sees before an outage whether the box could
/// alarm in one.
enum EdgeAlarmSummary {
  static func lines(_ configuration: AgentConfiguration) -> [String] {
    guard let settings = configuration.edgeAlarm else { return [] }
    var lines = ["# \(settings.summary)"]
    let held: EdgeLimitsFile
    do {
      held = try EdgeLimitsFile(directory: configuration.stateDirectory)
    } catch {
      return lines + ["# edge limits: cannot read them: \(error)"]
    }
    for room in Set(configuration.sensors.map(\.room)).sorted() {
      guard let limits = held.rooms[room] else {
        lines.append("# room \(room): no limits held yet (the collector publishes them once the agent connects)")
        continue
      }
      let parts = Metric.allCases.compactMap { metric -> String? in
        let critical = limits.critical(metric)
        let sides = [("<", critical.low), (">", critical.high)].compactMap { sign, limit in
          limit.map {
            "\(sign) \(metric.format($0.threshold)) for \(JSONText.number(Double($0.delaySeconds) / 60)) min"
          }
        }
        return sides.isEmpty ? nil : "\(metric.rawValue) " + sides.joined(separator: " or ")
      }
      lines.append(
        "# room \(room): \(limits.profile), critical \(parts.joined(separator: ", ")) (received \(limits.ts.rfc3339))")
    }
    return lines
  }
}
