import ColdTraceCore

extension ReportFormatter {
  /// The alerts section of the text reports (a lot's and a room's), under its heading: each alert with its kind,
  /// severity and state, when it opened and resolved, and who acknowledged it with their note.
  func alertLines(_ alerts: [AlertRecord]) -> [String] {
    let s = strings
    if alerts.isEmpty { return ["  \(s(.none))"] }
    var lines: [String] = []
    for alert in alerts {
      lines.append(
        "  #\(alert.id) \(s.alertKind(alert.kind)), \(s.severity(alert.severity)), \(s.alertState(alert.state)): "
          + "\(alert.site)/\(alert.room)/\(alert.sensor)")
      lines.append(
        "      \(s(.opened)) \(time(alert.openedAt))"
          + (alert.resolvedAt.map { "; \(s(.resolved)) \(time($0))" } ?? ""))
      if let by = alert.ackedBy {
        lines.append("      \(s(.acknowledgedBy)) \(by)" + (alert.ackedAt.map { " (\(time($0)))" } ?? ""))
      } else {
        lines.append("      \(s(.notAcknowledged))")
      }
      if let note = alert.note, !note.isEmpty { lines.append("      \(s(.note)): \(note)") }
    }
    return lines
  }
}
