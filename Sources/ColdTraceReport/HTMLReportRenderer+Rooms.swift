import ColdTraceCore

/// The HTML report's rooms: each stay with the probes that judged the lot and why, its defrost and door figures, and
/// the table of spans (the first `TextReportRenderer.listedSpans`).
extension HTMLReportRenderer {
  static func roomSections(_ report: LotReport, _ format: ReportFormatter) -> String {
    let s = format.strings
    var out = "<h2>\(e(s(.rooms)))</h2>"
    out += table(
      [s(.site), s(.room), s(.from), s(.to), s(.duration), s(.judgedBy), s(.roomSpans)],
      report.rooms.map { stay in
        [
          stay.site, stay.room, format.time(stay.from), format.time(stay.to), format.minutes(stay.minutes),
          s.judgement(stay.judgement, format: format).joined(separator: " "),
          RoomSignal.allCases.map { s.spanSummary($0, stay.summary($0), format: format) }.joined(separator: "; "),
        ]
      })
    out += "<h2>\(e(s(.roomSpans)))</h2>"
    let spans = report.spans
    out += table(
      [s(.room), s(.signal), s(.start), s(.end), s(.duration), s(.source), s(.note)],
      spans.prefix(TextReportRenderer.listedSpans).map { span in
        [
          "\(span.site)/\(span.room)", s.signal(span.span.signal), format.time(span.span.start),
          format.time(span.end), format.minutes(span.minutes),
          s.spanSource(span.span),
          s.overMaximum(span, format: format) ?? "",
        ]
      }, empty: s(.none))
    if spans.count > TextReportRenderer.listedSpans {
      out += "<p>\(e(s.moreSpans(spans.count - TextReportRenderer.listedSpans)))</p>\n"
    }
    return out
  }
}
