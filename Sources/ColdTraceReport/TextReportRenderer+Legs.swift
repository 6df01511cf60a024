import ColdTraceCore

extension TextReportRenderer {
  /// The imported legs, each marked with its file's name and hash: period, figures and excursions against the
  /// product's limits. Nothing when the lot has none.
  static func legLines(_ report: LotReport, _ format: ReportFormatter, into out: inout String) {
    guard !report.legs.isEmpty else { return }
    let s = format.strings
    let language = format.language
    func line(_ text: String = "") { out += text + "\n" }
    func field(_ name: String, _ value: String) { line("    " + pad(name + ":", 30) + value) }
    line()
    line(ImportedLegText.title(language))
    out += wrapped(ImportedLegText.note(language), indent: 2)
    for legReport in report.legs {
      let leg = legReport.leg
      line("  \(ImportedLegText.label(.leg, language)) \(leg.name)")
      field(s(.period), "\(format.time(leg.from)) → \(format.time(leg.to))")
      field(ImportedLegText.label(.logger, language), leg.logger ?? ImportedLegText.label(.unnamed, language))
      field(ImportedLegText.label(.file, language), leg.fileName)
      field(ImportedLegText.label(.sha256, language), leg.fileSHA256)
      field(
        ImportedLegText.label(.imported, language),
        "\(format.time(leg.importedAt)) \(ImportedLegText.label(.by, language)) \(leg.importedBy)")
      field(s(.readings), language.integer(leg.series.count))
      for metric in Metric.allCases {
        let summary = legReport.summary(metric)
        guard summary.readings > 0 else { continue }
        field(
          s.metric(metric),
          "\(s(.minimum)) \(format.value(summary.min, metric)), \(s(.maximum)) \(format.value(summary.max, metric)), "
            + "\(s(.mean)) \(format.value(summary.mean, metric)), \(s(.outOfRange).lowercased()) "
            + format.minutes(summary.minutesOutOfRange))
      }
      if legReport.excursions.isEmpty { field(s(.excursions), s(.none)) }
      for (index, excursion) in legReport.excursions.enumerated() {
        field(
          index == 0 ? s(.excursions) : "",
          "\(s.metric(excursion.metric)) \(s.direction(excursion.direction)) "
            + "\(format.time(excursion.start)) → \(format.time(excursion.end))  \(format.minutes(excursion.minutes)), "
            + "\(s(.peak).lowercased()) \(format.value(excursion.peak, excursion.metric))"
            + (excursion.pastCritical ? " (\(s(.pastCritical)))" : ""))
      }
    }
  }
}
