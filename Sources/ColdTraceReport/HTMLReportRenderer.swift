import ColdTraceCore

/// The report as one self-contained HTML file: inline CSS and SVG, no script, no external asset; prints to A4.
enum HTMLReportRenderer {
  static let style = """
    @page { size: A4; margin: 12mm; }
    body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 16px auto; max-width: 980px;
      font-size: 12px; }
    h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid #999; }
    h3 { font-size: 13px; margin: 12px 0 4px; }
    table { border-collapse: collapse; width: 100%; margin-bottom: 6px; page-break-inside: avoid; }
    th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
    th { background: #eef1f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .verdict { padding: 10px 14px; border-radius: 4px; font-size: 15px; font-weight: bold; margin: 10px 0; }
    .within_limits { background: #dff3e3; border: 2px solid #2a9d55; }
    .excursions_within_budget { background: #fff4d6; border: 2px solid #b8860b; }
    .failed { background: #fbe0de; border: 2px solid #c0392b; }
    .rule { font-weight: normal; font-size: 12px; margin-top: 4px; }
    .chart svg { width: 100%; height: auto; } .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 10px;
      word-break: break-all; }
    @media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
    """

  static func render(_ report: LotReport, _ format: ReportFormatter) -> String {
    let s = format.strings
    var out = "<!DOCTYPE html>\n<html lang=\"\(format.language.rawValue)\"><head><meta charset=\"utf-8\">"
    out += "<meta name=\"coldtrace-integrity\" content=\"\(report.seal.token)\">"
    out += "<title>\(e(s(.title))) \(e(report.lot))</title><style>\(style)</style></head><body>\n"
    out += "<h1>\(e(s(.title))): \(e(s(.lot))) \(e(report.lot))</h1>\n"
    out += table(
      nil,
      [
        [s(.product), "\(s.productName(report.profile)) (\(report.profile.id))"],
        [s(.market), report.market ?? "–"],
        [
          s(.period),
          "\(format.time(report.from)) → \(format.time(report.to))" + (report.isOpen ? " (\(s(.openLot)))" : ""),
        ],
        [s(.timesIn), format.zone(from: report.from, to: report.to)],
        [s(.readings), format.language.integer(report.readings)],
        [s(.probes), format.probeList(report)],
      ]
        + Metric.allCases.map {
          ["\(s(.limitsApplied)) – \(s.metric($0))", format.limits(report.profile.bands(for: $0), $0)]
        })
    out += "<div class=\"verdict \(report.verdict.outcome.rawValue)\">\(e(s(.verdict))): "
    out += "\(e(s.outcome(report.verdict.outcome)))<div class=\"rule\">\(e(s(.rule))): "
    out += "\(e(s.rule(report.verdict.rule, format: format)))</div></div>\n"
    out += "<h2>\(e(s(.chartTitle)))</h2><div class=\"chart\">\(ReportChart.svg(report, format))</div>\n"
    out += roomSections(report, format)
    out += "<h2>\(e(s.metric(.temperature))) / \(e(s.metric(.humidity)))</h2>"
    let t = report.temperature
    let h = report.humidity
    out += table(
      ["", s.metric(.temperature), s.metric(.humidity)],
      [
        [s(.readings), format.language.integer(t.readings), format.language.integer(h.readings)],
        [s(.minimum), format.value(t.min, .temperature), format.value(h.min, .humidity)],
        [s(.maximum), format.value(t.max, .temperature), format.value(h.max, .humidity)],
        [s(.mean), format.value(t.mean, .temperature), format.value(h.mean, .humidity)],
        [s(.mkt), format.value(t.meanKinetic, .temperature), "–"],
        [s(.inRange), format.percent(t.inRangePercent), format.percent(h.inRangePercent)],
        [s(.outOfRange), format.minutes(t.minutesOutOfRange), format.minutes(h.minutesOutOfRange)],
        [
          s(.budget), t.budgetMinutes.map { format.minutes($0) } ?? s(.noBudget),
          h.budgetMinutes.map { format.minutes($0) } ?? s(.noBudget),
        ],
      ])
    out += "<h2>\(e(s(.excursions)))</h2>"
    out += excursionTable(report.excursions, format)
    out += "<h2>\(e(s(.gaps)))</h2>"
    out += table(
      [s(.sensor), s(.from), s(.to), s(.duration)],
      report.gaps.map {
        ["\($0.site)/\($0.sensor)", format.time($0.from), format.time($0.to), format.minutes($0.minutes)]
      }, empty: s(.none))
    out += legSections(report, format)
    if !report.lateReadings.isEmpty {
      out += "<h2>\(e(ReportLateReadings.title(format.language)))</h2>"
      out += table(nil, ReportLateReadings.rows(report, format).map { [$0.probe, $0.text] })
      out += "<p>\(e(ReportLateReadings.note(format.language)))</p>"
    }
    if !report.doubtfulTimes.isEmpty {
      out += "<h2>\(e(ReportTimeQuality.title(format.language)))</h2>"
      out += table(nil, ReportTimeQuality.rows(report, format).map { [$0.probe, $0.text] })
      out += "<p>\(e(ReportTimeQuality.note(format.language)))</p>"
    }
    if let treatment = report.treatment {
      out += "<h2>\(e(s(.treatment))): ≤ \(format.number(treatment.requirement.maxTempC, places: 2)) °C, "
      out += "\(format.number(treatment.requirement.days, places: 0)) \(e(s(.days)))</h2>"
      out += table(
        nil,
        [
          [s(.state), s.treatmentState(treatment.state)],
          [s(.clockStarted), treatment.clockStart.map(format.time) ?? "–"],
          [s(.daysOnClock), format.number(treatment.elapsedDays)],
          [s(.restarts), String(treatment.restarts)],
          [s(.completedAt), treatment.completedAt.map(format.time) ?? "–"],
        ])
    }
    out += "<h2>\(e(s(.alerts)))</h2>"
    out += table(
      ["#", s(.kind), s(.severity), s(.state), s(.sensor), s(.opened), s(.resolved), s(.acknowledgedBy), s(.note)],
      report.alerts.map { alert -> [String] in
        var acknowledged = s(.notAcknowledged)
        if let by = alert.ackedBy {
          acknowledged = by + (alert.ackedAt.map { " (" + format.time($0) + ")" } ?? "")
        }
        let place = "\(alert.site)/\(alert.room)/\(alert.sensor)"
        let resolved = alert.resolvedAt.map(format.time) ?? "–"
        return [
          String(alert.id), s.alertKind(alert.kind), s.severity(alert.severity), s.alertState(alert.state), place,
          format.time(alert.openedAt), resolved, acknowledged, alert.note ?? "",
        ]
      }, empty: s(.none))
    out += "<h2>\(e(s(.integrity)))</h2>"
    out += table(
      nil,
      [
        [s(.dataSHA256), report.seal.sha256],
        [
          s(.journalHead),
          report.seal.journalEventID.map { "#\($0) \(report.seal.journalSHA256 ?? "")" } ?? s(.noJournal),
        ],
        [s(.verifyHint), "coldtrace report \(report.lot) --verify FILE"],
      ])
    out += "<p class=\"mono\">\(report.seal.token)</p>\n</body></html>\n"
    return out
  }

  static func e(_ text: String) -> String { HTML.escape(text) }

  static func table(_ header: [String]?, _ rows: [[String]], empty: String? = nil) -> String {
    if rows.isEmpty, let empty { return "<p>\(e(empty))</p>\n" }
    var out = "<table>"
    if let header { out += "<tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr>" }
    for row in rows {
      out += "<tr>"
      for (index, cell) in row.enumerated() {
        out += header == nil && index == 0 ? "<th>\(e(cell))</th>" : "<td>\(e(cell))</td>"
      }
      out += "</tr>"
    }
    return out + "</table>\n"
  }
}
