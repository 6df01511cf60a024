import ColdTraceCore

extension HTMLReportRenderer {
  /// The imported legs, each marked with its logger, file and the file's SHA-256, its figures, excursions and a chart
  /// of its own (the logger's readings against the product's warning band). Nothing when the lot has none.
  static func legSections(_ report: LotReport, _ format: ReportFormatter) -> String {
    guard !report.legs.isEmpty else { return "" }
    let s = format.strings
    let language = format.language
    var out = "<h2>\(e(ImportedLegText.title(language)))</h2><p>\(e(ImportedLegText.note(language)))</p>\n"
    for legReport in report.legs {
      let leg = legReport.leg
      let t = legReport.temperature
      let h = legReport.humidity
      out += "<h3>\(e(ImportedLegText.label(.leg, language))) \(e(leg.name))</h3>"
      out += table(
        nil,
        [
          [s(.period), "\(format.time(leg.from)) → \(format.time(leg.to))"],
          [ImportedLegText.label(.logger, language), leg.logger ?? ImportedLegText.label(.unnamed, language)],
          [ImportedLegText.label(.file, language), leg.fileName],
          [ImportedLegText.label(.sha256, language), leg.fileSHA256],
          [
            ImportedLegText.label(.imported, language),
            "\(format.time(leg.importedAt)) \(ImportedLegText.label(.by, language)) \(leg.importedBy)",
          ],
        ])
      out += table(
        ["", s.metric(.temperature), s.metric(.humidity)],
        [
          [s(.readings), language.integer(t.readings), language.integer(h.readings)],
          [s(.minimum), format.value(t.min, .temperature), format.value(h.min, .humidity)],
          [s(.maximum), format.value(t.max, .temperature), format.value(h.max, .humidity)],
          [s(.mean), format.value(t.mean, .temperature), format.value(h.mean, .humidity)],
          [s(.outOfRange), format.minutes(t.minutesOutOfRange), format.minutes(h.minutesOutOfRange)],
        ])
      out += excursionTable(legReport.excursions, format)
      // The chart's one line is the logger's, not an air probe of a room: the legend says so.
      let label = [ImportedLeg.site + "/" + leg.name: ImportedLegText.chartLabel(logger: leg.logger, language)]
      out += "<div class=\"chart\">\(ReportChart.svg(legReport.figures, format, labels: label))</div>\n"
    }
    return out
  }

  /// Excursions as a table (metric, side, start, end, duration, peak), or "none".
  static func excursionTable(_ excursions: [Excursion], _ format: ReportFormatter) -> String {
    let s = format.strings
    return table(
      [s(.metric), s(.direction), s(.start), s(.end), s(.duration), s(.peak)],
      excursions.map {
        [
          s.metric($0.metric), s.direction($0.direction), format.time($0.start), format.time($0.end),
          format.minutes($0.minutes),
          format.value($0.peak, $0.metric) + ($0.pastCritical ? " (\(s(.pastCritical)))" : ""),
        ]
      }, empty: s(.none))
  }
}
