import ColdTraceCore

/// The formats `coldtrace report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
  case text
  case json
  case csv
  case html

  /// Renders `report` in this format.
  public func render(_ report: LotReport, _ formatter: ReportFormatter) -> String {
    switch self {
    case .text: TextReportRenderer.render(report, formatter)
    case .json: JSONReportRenderer.render(report)
    case .csv: CSVReportRenderer.render(report, formatter)
    case .html: HTMLReportRenderer.render(report, formatter)
    }
  }

  /// Whether the format carries the integrity seal (CSV is rows only, for spreadsheets).
  public var carriesSeal: Bool { self != .csv }
}
