import ColdTraceCore

/// The room or site report for a terminal: the lot report's layout (`TextReportRenderer`), with the daily table.
enum RoomReportText {
  static func render(_ report: RoomReport, _ format: ReportFormatter) -> String {
    let s = format.strings
    let r = format.roomStrings
    let pad = TextReportRenderer.pad
    var out = ""
    func line(_ text: String = "") { out += text + "\n" }
    func field(_ name: String, _ value: String) { line("  " + pad(name + ":", 32) + value) }

    line(format.roomTitle(report))
    line(String(repeating: "=", count: 60))
    field(s(.site), report.site)
    field(s(.rooms), report.rooms.joined(separator: ", "))
    field(s(.period), "\(format.time(report.from)) → \(format.time(report.to))")
    field(s(.timesIn), format.zone(from: report.from, to: report.to))
    field(r(.daysIn), report.dayZone.label(from: report.from, to: report.to))
    field(s(.readings), format.language.integer(report.readings))
    line()
    line(s(.limitsApplied))
    for metric in Metric.allCases {
      for (room, text) in format.roomLimits(report, metric) { field("\(s.metric(metric)), \(room)", text) }
    }
    line()
    line(r(.dailyTable))
    if report.days.isEmpty { line("  \(s(.none))") }
    line(
      "  " + pad(r(.day), 11) + pad(r(.probe), 18) + pad(s(.metric), 13) + pad(s(.readings), 11)
        + pad(s(.minimum), 11) + pad(s(.maximum), 11) + s(.mean))
    for day in report.days {
      line(
        "  " + pad(format.day(day.day, of: report), 11) + pad("\(day.room)/\(day.sensor)", 18)
          + pad(s.metric(day.metric), 13) + pad(format.language.integer(day.readings), 11)
          + pad(format.value(day.min, day.metric), 11) + pad(format.value(day.max, day.metric), 11)
          + format.value(day.mean, day.metric))
    }
    out += TextReportRenderer.wrapped(r(.meanNote), indent: 2)
    line()
    line(s(.excursions))
    out += TextReportRenderer.wrapped(r(.excursionRule), indent: 2)
    if report.excursions.isEmpty { line("  \(s(.none))") }
    for excursion in report.excursions {
      line(
        "  \(pad("\(excursion.room)/\(excursion.sensor)", 16)) \(pad(s.metric(excursion.metric), 10)) "
          + "\(pad(s.direction(excursion.direction), 5)) \(format.time(excursion.start)) → "
          + "\(format.time(excursion.end))  \(format.minutes(excursion.minutes)), "
          + "\(s(.peak).lowercased()) \(format.value(excursion.peak, excursion.metric)) "
          + "(\(r(.limit).lowercased()) \(format.value(excursion.limit, excursion.metric)), "
          + "\(r(.readingsOut).lowercased()) \(excursion.readings))")
    }
    if !report.doubtfulTimes.isEmpty {
      line()
      line(ReportTimeQuality.title(format.language))
      for row in ReportTimeQuality.rows(report.doubtfulTimes, format) { line("  \(pad(row.probe, 22)) \(row.text)") }
      out += TextReportRenderer.wrapped(ReportTimeQuality.note(format.language), indent: 2)
    }
    line()
    line(s(.alerts))
    for alertLine in format.alertLines(report.alerts) { line(alertLine) }
    line()
    line(r(.calibration))
    if report.probes.isEmpty { line("  \(s(.none))") }
    for probe in report.probes {
      var text = "  \(pad("\(probe.room)/\(probe.sensor)", 16)) \(pad(s.placement(probe.placement), 12)) "
      text += r.calibrationStatus(probe.calibrationStatus)
      if let calibration = probe.calibration {
        text += ": \(r(.certificate).lowercased()) \(calibration.certificate), \(r(.calibratedOn).lowercased()) "
        text += "\(format.time(calibration.calibratedAt)), \(r(.due).lowercased()) \(format.time(calibration.due)), "
        text += "\(r(.by).lowercased()) \(calibration.by)"
      }
      line(text)
    }
    line()
    line(s(.integrity))
    field(s(.dataSHA256), report.seal.sha256)
    field(
      s(.journalHead),
      report.seal.journalEventID.map { "#\($0) \(report.seal.journalSHA256 ?? "")" } ?? s(.noJournal))
    line("  \(report.seal.token)")
    return out
  }
}
