import ColdTraceCore

/// The room or site report as one self-contained HTML file that prints to A4, styled as the lot report
/// (`HTMLReportRenderer`).
enum RoomReportHTML {
  static func render(_ report: RoomReport, _ format: ReportFormatter) -> String {
    let s = format.strings
    let r = format.roomStrings
    let e = HTMLReportRenderer.e
    let table = HTMLReportRenderer.table
    let title = format.roomTitle(report)
    var out = "<!DOCTYPE html>\n<html lang=\"\(format.language.rawValue)\"><head><meta charset=\"utf-8\">"
    out += "<meta name=\"coldtrace-integrity\" content=\"\(report.seal.token)\">"
    out += "<title>\(e(title))</title><style>\(HTMLReportRenderer.style)</style></head><body>\n"
    out += "<h1>\(e(title))</h1>\n"
    var header = [
      [s(.site), report.site],
      [s(.rooms), report.rooms.joined(separator: ", ")],
      [s(.period), "\(format.time(report.from)) → \(format.time(report.to))"],
      [s(.timesIn), format.zone(from: report.from, to: report.to)],
      [r(.daysIn), report.dayZone.label(from: report.from, to: report.to)],
      [s(.readings), format.language.integer(report.readings)],
    ]
    for metric in Metric.allCases {
      for (room, text) in format.roomLimits(report, metric) {
        header.append(["\(s(.limitsApplied)) – \(s.metric(metric)), \(room)", text])
      }
    }
    out += table(nil, header, nil)
    out += "<h2>\(e(r(.dailyTable)))</h2>"
    out += table(
      [r(.day), r(.probe), s(.metric), s(.readings), s(.minimum), s(.maximum), s(.mean)],
      report.days.map {
        [
          format.day($0.day, of: report), "\($0.room)/\($0.sensor)", s.metric($0.metric),
          format.language.integer($0.readings), format.value($0.min, $0.metric), format.value($0.max, $0.metric),
          format.value($0.mean, $0.metric),
        ]
      }, s(.none))
    out += "<p>\(e(r(.meanNote)))</p>\n"
    out += "<h2>\(e(s(.excursions)))</h2><p>\(e(r(.excursionRule)))</p>\n"
    out += table(
      [r(.probe), s(.metric), s(.direction), r(.limit), s(.start), s(.end), s(.duration), s(.peak), r(.readingsOut)],
      report.excursions.map {
        [
          "\($0.room)/\($0.sensor)", s.metric($0.metric), s.direction($0.direction), format.value($0.limit, $0.metric),
          format.time($0.start), format.time($0.end), format.minutes($0.minutes), format.value($0.peak, $0.metric),
          String($0.readings),
        ]
      }, s(.none))
    if !report.doubtfulTimes.isEmpty {
      out += "<h2>\(e(ReportTimeQuality.title(format.language)))</h2>"
      out += table(nil, ReportTimeQuality.rows(report.doubtfulTimes, format).map { [$0.probe, $0.text] }, nil)
      out += "<p>\(e(ReportTimeQuality.note(format.language)))</p>\n"
    }
    out += "<h2>\(e(s(.alerts)))</h2>"
    out += table(
      [
        "#", s(.kind), s(.severity), s(.state), r(.probe), s(.opened), s(.resolved), s(.acknowledgedBy), s(.note),
      ],
      report.alerts.map { alert in
        [
          String(alert.id), s.alertKind(alert.kind), s.severity(alert.severity), s.alertState(alert.state),
          "\(alert.room)/\(alert.sensor)", format.time(alert.openedAt), alert.resolvedAt.map(format.time) ?? "–",
          alert.ackedBy.map { by in by + (alert.ackedAt.map { " (\(format.time($0)))" } ?? "") }
            ?? s(.notAcknowledged),
          alert.note ?? "",
        ]
      }, s(.none))
    out += "<h2>\(e(r(.calibration)))</h2>"
    out += table(
      [r(.probe), s(.placement), r(.status), r(.certificate), r(.calibratedOn), r(.due), r(.by)],
      report.probes.map { probe in
        let calibration = probe.calibration
        return [
          "\(probe.room)/\(probe.sensor)", s.placement(probe.placement), r.calibrationStatus(probe.calibrationStatus),
          calibration?.certificate ?? "–", calibration.map { format.time($0.calibratedAt) } ?? "–",
          calibration.map { format.time($0.due) } ?? "–", calibration?.by ?? "–",
        ]
      }, s(.none))
    out += "<h2>\(e(s(.integrity)))</h2>"
    out += table(
      nil,
      [
        [s(.dataSHA256), report.seal.sha256],
        [
          s(.journalHead),
          report.seal.journalEventID.map { "#\($0) \(report.seal.journalSHA256 ?? "")" } ?? s(.noJournal),
        ],
      ], nil)
    out += "<p class=\"mono\">\(report.seal.token)</p>\n</body></html>\n"
    return out
  }
}

extension ReportFormat {
  /// Renders a room or site report in this format; EPCIS describes lots, not rooms, so it has no room report (the
  /// command refuses it).
  public func render(_ report: RoomReport, _ formatter: ReportFormatter) -> String {
    switch self {
    case .text: RoomReportText.render(report, formatter)
    case .json: RoomReportData.json(report)
    case .csv: RoomReportData.csv(report, formatter)
    case .html, .epcis: RoomReportHTML.render(report, formatter)
    }
  }
}
