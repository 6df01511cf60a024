import ColdTraceCore

/// The chart's alert marks and the silence that breaks a line.
extension ReportChart {
  /// The colour of an alert's mark.
  static let alertColour = "#222222"

  /// Each alert of the lot as a mark in the panel of its metric (temperature for an alert that has none, such as a
  /// probe going offline): a thin line from top to bottom at the time it opened, a triangle above the panel, and a
  /// bar along the panel's top edge until it resolved (to the end of the period while it is open). Hovering the
  /// triangle names the alert.
  static func alertMarks(
    _ report: LotReport, _ panel: Panel, x: (Int64) -> Double, _ format: ReportFormatter
  ) -> String {
    var out = ""
    for alert in report.alerts where panelMetric(alert.kind) == panel.metric {
      let opened = max(report.from.milliseconds, min(report.to.milliseconds, alert.openedAt.milliseconds))
      let resolved = min(report.to.milliseconds, alert.resolvedAt?.milliseconds ?? report.to.milliseconds)
      let from = x(opened)
      out += "<line x1=\"\(n(from))\" x2=\"\(n(from))\" y1=\"\(n(panel.top))\" y2=\"\(n(panel.top + panel.height))\" "
      out += "stroke=\"\(alertColour)\" stroke-width=\"1\" stroke-opacity=\"0.7\"/>"
      out += "<rect x=\"\(n(from))\" y=\"\(n(panel.top))\" width=\"\(n(max(1.5, x(resolved) - from)))\" height=\"3.0\" "
      out += "fill=\"\(alertColour)\"/>"
      let label = "\(format.strings.alertKind(alert.kind)) \(format.time(alert.openedAt))"
      out += "<path d=\"M\(n(from - 4)) \(n(panel.top - 7))h8l-4 6z\" fill=\"\(alertColour)\">"
      out += "<title>\(HTML.escape(label))</title></path>"
    }
    return out
  }

  /// The panel an alert of `kind` is marked in.
  static func panelMetric(_ kind: AlertKind) -> Metric {
    switch kind {
    case .rhHigh, .rhLow: .humidity
    default: .temperature
    }
  }

  /// The silence after which a probe's line breaks: its hold cap, as the report's data gaps use it; for a report
  /// built without caps, twice the probe's median interval.
  static func gapMilliseconds(_ report: LotReport, _ series: ProbeSeries) -> Int64 {
    report.holdCaps["\(series.site)/\(series.sensor)"]
      ?? 2 * (HeldReadings.medianInterval([series]) ?? LotReportBuilder.defaultIntervalMilliseconds)
  }
}
