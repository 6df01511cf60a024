import ColdTraceCore

/// The room or site report for scripts (JSON: times RFC 3339 UTC, days as local dates `YYYY-MM-DD`) and for Excel
/// (CSV: the daily table, one row per probe, metric and day; Vietnamese output uses `;` between fields and `,` for
/// decimals, as Excel does under a Vietnamese locale).
enum RoomReportData {
  private static let decimals = 4

  static func json(_ report: RoomReport) -> String {
    JSONObjectWriter.object(capacity: 4096) { json in
      json.string("site", report.site)
      json.strings("rooms", report.rooms)
      json.string("scope", report.scope)
      json.string("from", report.from.rfc3339)
      json.string("to", report.to.rfc3339)
      json.string("day_utc_offset", report.dayZone.offsetText(at: report.from))
      json.string("time_zone", report.dayZone.identifier)
      json.integer("readings", report.readings)
      json.objects("limits", report.rooms.compactMap { room in report.profiles[room].map { (room, $0) } }) {
        json, pair in
        json.string("room", pair.0)
        json.string("product", pair.1.id)
        for metric in Metric.allCases {
          let bands = pair.1.bands(for: metric)
          json.object(metric.rawValue) { json in
            json.number("low", bands.clearingThreshold(.low), decimals: decimals)
            json.number("high", bands.clearingThreshold(.high), decimals: decimals)
          }
        }
      }
      json.objects("daily", report.days) { json, day in
        json.string("day", Language.en.date(day.day, in: report.dayZone))
        json.string("room", day.room)
        json.string("sensor", day.sensor)
        json.string("metric", day.metric.rawValue)
        json.integer("readings", day.readings)
        json.number("min", day.min, decimals: decimals)
        json.number("max", day.max, decimals: decimals)
        json.number("mean", day.mean, decimals: decimals)
      }
      json.objects("excursions", report.excursions) { json, excursion in
        json.string("room", excursion.room)
        json.string("sensor", excursion.sensor)
        json.string("metric", excursion.metric.rawValue)
        json.string("direction", excursion.direction.rawValue)
        json.number("limit", excursion.limit, decimals: decimals)
        json.string("start", excursion.start.rfc3339)
        json.string("end", excursion.end.rfc3339)
        json.number("minutes", excursion.minutes, decimals: decimals)
        json.number("peak", excursion.peak, decimals: decimals)
        json.integer("readings", excursion.readings)
      }
      json.objects("alerts", report.alerts) { json, alert in
        json.integer("id", alert.id)
        json.string("kind", alert.kind.rawValue)
        json.string("severity", alert.severity.rawValue)
        json.string("state", alert.state.rawValue)
        json.string("room", alert.room)
        json.string("sensor", alert.sensor)
        json.string("opened_at", alert.openedAt.rfc3339)
        json.string("resolved_at", alert.resolvedAt?.rfc3339)
        json.string("acked_by", alert.ackedBy)
        json.string("acked_at", alert.ackedAt?.rfc3339)
        json.string("note", alert.note)
      }
      json.objects("probes", report.probes) { json, probe in
        json.string("room", probe.room)
        json.string("sensor", probe.sensor)
        json.string("placement", probe.placement.rawValue)
        json.integer("readings", probe.readings)
        json.string("calibration_status", probe.calibrationStatus.rawValue)
        json.string("certificate", probe.calibration?.certificate)
        json.string("calibrated_at", probe.calibration?.calibratedAt.rfc3339)
        json.string("due", probe.calibration?.due.rfc3339)
        json.string("calibrated_by", probe.calibration?.by)
      }
      json.timeQuality(report.doubtfulTimes)
      json.object("integrity") { json in
        json.string("sha256", report.seal.sha256)
        json.string("records_sha256", report.seal.placementsSHA256)
        json.string("readings_sha256", report.seal.readingsSHA256)
        json.integer("journal_event", report.seal.journalEventID)
        json.string("journal_sha256", report.seal.journalSHA256)
        json.string("token", report.seal.token)
      }
    } + "\n"
  }

  static let csvColumns = ["day", "site", "room", "sensor", "metric", "readings", "min", "max", "mean"]

  static func csv(_ report: RoomReport, _ format: ReportFormatter) -> String {
    let comma = format.language == .vi
    let separator = comma ? ";" : ","
    func number(_ value: Double, places: Int? = nil) -> String {
      let text = JSONText.number(places.map { (value * pow10($0)).rounded() / pow10($0) } ?? value)
      return comma ? String(text.map { $0 == "." ? "," : $0 }) : text
    }
    var out = csvColumns.joined(separator: separator) + "\r\n"
    for day in report.days {
      let fields = [
        Language.en.date(day.day, in: report.dayZone), report.site, day.room, day.sensor,
        day.metric.rawValue, String(day.readings), number(day.min), number(day.max), number(day.mean, places: 3),
      ]
      out += fields.joined(separator: separator) + "\r\n"
    }
    return out
  }

  private static func pow10(_ places: Int) -> Double {
    (0..<places).reduce(1.0) { value, _ in value * 10 }
  }

}
