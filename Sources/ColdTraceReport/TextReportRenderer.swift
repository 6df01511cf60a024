import ColdTraceCore

/// The report for a terminal: sections of aligned lines.
enum TextReportRenderer {
  static func render(_ report: LotReport, _ format: ReportFormatter) -> String {
    let s = format.strings
    var out = ""
    func line(_ text: String = "") { out += text + "\n" }
    func field(_ name: String, _ value: String) { line("  " + pad(name + ":", 32) + value) }

    line("\(s(.title)): \(s(.lot)) \(report.lot)")
    line(String(repeating: "=", count: 60))
    field(s(.product), "\(s.productName(report.profile)) (\(report.profile.id))")
    field(s(.market), report.market ?? "–")
    field(
      s(.period),
      "\(format.time(report.from)) → \(format.time(report.to))\(report.isOpen ? " (\(s(.openLot)))" : "")")
    field(s(.timesIn), format.zone(from: report.from, to: report.to))
    field(s(.readings), format.language.integer(report.readings))
    field(s(.probes), format.probeList(report))
    line()
    line("\(s(.verdict)): \(s.outcome(report.verdict.outcome))")
    line("  \(s(.rule)): \(s.rule(report.verdict.rule, format: format))")
    line()
    line(s(.limitsApplied))
    for metric in Metric.allCases {
      field(s.metric(metric), format.limits(report.profile.bands(for: metric), metric))
    }
    line()
    line(s(.rooms))
    for stay in report.rooms {
      line(
        "  \(pad("\(stay.site)/\(stay.room)", 22)) \(format.time(stay.from)) → \(format.time(stay.to))  "
          + format.minutes(stay.minutes))
      for sentence in s.judgement(stay.judgement, format: format) { out += wrapped(sentence, indent: 6) }
      for signal in RoomSignal.allCases { line("      " + s.spanSummary(signal, stay.summary(signal), format: format)) }
    }
    spanLines(report, format, into: &out)
    for metric in Metric.allCases { summary(report.summary(metric), format, into: &out) }
    line()
    line(s(.excursions))
    if report.excursions.isEmpty { line("  \(s(.none))") }
    for excursion in report.excursions {
      line(
        "  \(pad(s.metric(excursion.metric), 10)) \(pad(s.direction(excursion.direction), 5)) "
          + "\(format.time(excursion.start)) → \(format.time(excursion.end))  \(format.minutes(excursion.minutes)), "
          + "\(s(.peak).lowercased()) \(format.value(excursion.peak, excursion.metric))"
          + (excursion.pastCritical ? " (\(s(.pastCritical)))" : ""))
    }
    line()
    line(s(.gaps))
    if report.gaps.isEmpty { line("  \(s(.none))") }
    for gap in report.gaps {
      line(
        "  \(pad("\(gap.site)/\(gap.sensor)", 22)) \(format.time(gap.from)) → \(format.time(gap.to))  "
          + format.minutes(gap.minutes))
    }
    legLines(report, format, into: &out)
    if !report.lateReadings.isEmpty {
      line()
      line(ReportLateReadings.title(format.language))
      for row in ReportLateReadings.rows(report, format) { line("  \(pad(row.probe, 22)) \(row.text)") }
      out += wrapped(ReportLateReadings.note(format.language), indent: 2)
    }
    if !report.doubtfulTimes.isEmpty {
      line()
      line(ReportTimeQuality.title(format.language))
      for row in ReportTimeQuality.rows(report, format) { line("  \(pad(row.probe, 22)) \(row.text)") }
      out += wrapped(ReportTimeQuality.note(format.language), indent: 2)
    }
    if let treatment = report.treatment { treatmentLines(treatment, format, into: &out) }
    line()
    line(s(.alerts))
    for alertLine in format.alertLines(report.alerts) { line(alertLine) }
    line()
    line(s(.integrity))
    field(s(.dataSHA256), report.seal.sha256)
    field(
      s(.journalHead),
      report.seal.journalEventID.map { "#\($0) \(report.seal.journalSHA256 ?? "")" } ?? s(.noJournal))
    line("  \(s(.verifyHint)): coldtrace report \(report.lot) --verify FILE")
    line("  \(report.seal.token)")
    return out
  }

  private static func summary(_ summary: MetricSummary, _ format: ReportFormatter, into out: inout String) {
    let s = format.strings
    let metric = summary.metric
    out += "\n\(s.metric(metric))\n"
    var rows: [(String, String)] = [
      (s(.readings), format.language.integer(summary.readings)),
      (s(.minimum), format.value(summary.min, metric)),
      (s(.maximum), format.value(summary.max, metric)),
      (s(.mean), format.value(summary.mean, metric)),
    ]
    if metric == .temperature { rows.append((s(.mkt), format.value(summary.meanKinetic, metric))) }
    rows += [
      (s(.inRange), format.percent(summary.inRangePercent)),
      (s(.outOfRange), format.minutes(summary.minutesOutOfRange)),
      (s(.budget), summary.budgetMinutes.map { format.minutes($0) } ?? s(.noBudget)),
    ]
    for (name, value) in rows { out += "  " + pad(name + ":", 32) + value + "\n" }
  }

  private static func treatmentLines(_ treatment: TreatmentStatus, _ format: ReportFormatter, into out: inout String) {
    let s = format.strings
    out += "\n\(s(.treatment)): ≤ \(format.number(treatment.requirement.maxTempC, places: 2)) °C, "
    out += "\(format.number(treatment.requirement.days, places: 0)) \(s(.days))\n"
    out += "  " + pad(s(.state) + ":", 32) + s.treatmentState(treatment.state) + "\n"
    if let start = treatment.clockStart { out += "  " + pad(s(.clockStarted) + ":", 32) + format.time(start) + "\n" }
    out += "  " + pad(s(.daysOnClock) + ":", 32) + format.number(treatment.elapsedDays, places: 1) + "\n"
    out += "  " + pad(s(.restarts) + ":", 32) + String(treatment.restarts) + "\n"
    if let done = treatment.completedAt { out += "  " + pad(s(.completedAt) + ":", 32) + format.time(done) + "\n" }
  }

  /// How many spans the text and HTML reports list before "… and N more" (a long lot has four defrosts a day).
  static let listedSpans = 50

  /// The report's defrosts and door openings, one line each, the first `listedSpans` of them.
  private static func spanLines(_ report: LotReport, _ format: ReportFormatter, into out: inout String) {
    let s = format.strings
    let spans = report.spans
    out += "\n\(s(.roomSpans))\n"
    if spans.isEmpty { out += "  \(s(.none))\n" }
    for span in spans.prefix(listedSpans) {
      var text = "  \(pad("\(span.site)/\(span.room)", 22)) \(pad(s.signal(span.span.signal), 10)) "
      text += "\(format.time(span.span.start)) → \(format.time(span.end))  \(pad(format.minutes(span.minutes), 9)) "
      text += s.spanSource(span.span)
      if let note = s.overMaximum(span, format: format) { text += " (\(note))" }
      out += text + "\n"
    }
    if spans.count > listedSpans { out += "  \(s.moreSpans(spans.count - listedSpans))\n" }
  }

  /// `text` broken into lines of at most `width` characters at spaces, each indented by `indent` spaces.
  static func wrapped(_ text: String, indent: Int, width: Int = 116) -> String {
    let margin = String(repeating: " ", count: indent)
    var out = ""
    var current = margin
    for word in text.split(separator: " ") {
      if current.count > indent && current.count + 1 + word.count > width {
        out += current + "\n"
        current = margin
      }
      current += (current.count > indent ? " " : "") + word
    }
    return out + current + "\n"
  }

  /// `text` padded with spaces to `width` characters.
  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
  }
}
