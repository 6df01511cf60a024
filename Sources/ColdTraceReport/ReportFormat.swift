import ColdTraceCore

/// The formats `coldtrace report` writes.
public enum ReportFormat: String, Sendable, CaseIterable {
  case text
  case json
  case csv
  case html
  /// A GS1 EPCIS 2.0 JSON-LD document (`EPCISDocumentRenderer`).
  case epcis

  /// Renders `report` in this format. `identifiers` name places and the lot in EPCIS documents, whose times carry the
  /// offset of the formatter's zone at each time.
  public func render(
    _ report: LotReport, _ formatter: ReportFormatter, identifiers: TraceIdentifiers = TraceIdentifiers()
  ) -> String {
    switch self {
    case .text: TextReportRenderer.render(report, formatter)
    case .json: JSONReportRenderer.render(report, timeZone: formatter.timeZone)
    case .csv: CSVReportRenderer.render(report, formatter)
    case .html: HTMLReportRenderer.render(report, formatter)
    case .epcis:
      EPCISDocumentRenderer.render(report, identifiers: identifiers, timeZone: formatter.timeZone)
    }
  }

  /// Whether the format carries the integrity seal (CSV is rows only, for spreadsheets, unless signed).
  public var carriesSeal: Bool { self != .csv }
}
