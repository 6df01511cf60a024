import ColdTraceCore

/// The report for scripts: one JSON object (times RFC 3339 UTC, numbers in JSON notation) with the fields listed in
/// docs/protocol.md, "JSON output of the shell": limits, statistics, excursions, verdict, treatment, integrity.
enum JSONReportRenderer {
  /// Numbers are rounded to 4 decimals (enough for °C, % and minutes).
  private static let decimals = 4

  /// `timeZone` is the zone the other formats show times in, named in `time_zone` (times here stay UTC).
  static func render(_ report: LotReport, timeZone: SiteTimeZone = .vietnam) -> String {
    JSONObjectWriter.object(capacity: 4096) { json in
      json.string("lot", report.lot)
      json.string("product", report.profile.id)
      json.string("product_name", report.profile.name)
      json.string("market", report.market)
      json.string("from", report.from.rfc3339)
      json.string("to", report.to.rfc3339)
      json.bool("open", report.isOpen)
      json.string("time_zone", timeZone.identifier)
      json.objects("rooms", report.rooms) { json, room in
        json.string("site", room.site)
        json.string("room", room.room)
        json.string("from", room.from.rfc3339)
        json.string("to", room.to.rfc3339)
        json.number("minutes", room.minutes, decimals: decimals)
        stay(&json, room)
      }
      json.integer("readings", report.readings)
      json.strings("probes", report.probes.map(\.name))
      json.objects("probe_placements", report.probes) { json, probe in
        json.string("probe", probe.name)
        json.string("placement", probe.placement.rawValue)
        json.bool("judges", probe.judges)
      }
      json.objects("probe_calibrations", report.probes) { json, probe in
        let calibration = report.calibrations[probe.name]
        json.string("probe", probe.name)
        json.string("certificate", calibration?.certificate)
        json.string("calibrated_at", calibration?.calibratedAt.rfc3339)
        json.string("due", calibration?.due.rfc3339)
      }
      json.object("limits") { json in
        for metric in Metric.allCases {
          json.object(metric.rawValue) { limits(&$0, report.profile.bands(for: metric)) }
        }
      }
      writeStatistics(of: report, to: &json)
      json.objects("excursions", report.excursions) { excursion(&$0, $1) }
      json.objects("gaps", report.gaps) { json, gap in
        json.string("site", gap.site)
        json.string("sensor", gap.sensor)
        json.string("from", gap.from.rfc3339)
        json.string("to", gap.to.rfc3339)
        json.number("minutes", gap.minutes, decimals: decimals)
      }
      if !report.legs.isEmpty { json.objects("imported_legs", report.legs) { leg(&$0, $1) } }
      json.objects("late_readings", report.lateReadings.sorted { $0.key < $1.key }) { json, late in
        json.string("probe", late.key)
        json.integer("count", late.value.count)
        json.string("first", late.value.first.rfc3339)
        json.string("last", late.value.last.rfc3339)
      }
      json.timeQuality(report.doubtfulTimes)
      json.object("span_limits") { json in
        json.number("defrost_max_minutes", ReportSpanLimits.defrostMaximumMinutes, decimals: decimals)
        json.number("after_defrost_minutes", ReportSpanLimits.afterDefrostMinutes, decimals: decimals)
        json.number("door_max_minutes", ReportSpanLimits.doorMaximumMinutes, decimals: decimals)
      }
      json.objects("spans", report.spans) { json, span in
        json.string("site", span.site)
        json.string("room", span.room)
        json.string("signal", span.span.signal.rawValue)
        json.string("source", span.span.source.rawValue)
        json.string("sensor", span.span.sensor)
        json.string("start", span.span.start.rfc3339)
        json.string("end", span.end.rfc3339)
        json.number("minutes", span.minutes, decimals: decimals)
        json.number("over_maximum_minutes", ReportSpanLimits.minutesOverMaximum(span), decimals: decimals)
      }
      json.object("cold_treatment", report.treatment, treatment)
      json.objects("alerts", report.alerts) { AlertMessage(alert: $1).write(to: &$0) }
      json.object("verdict") { json in
        json.string("outcome", report.verdict.outcome.rawValue)
        json.string("rule", report.verdict.rule.code)
        json.string("explanation", ReportStrings(language: .en).rule(report.verdict.rule, format: englishFormat))
      }
      json.object("integrity") { integrity(&$0, report.seal) }
    } + "\n"
  }

  private static let englishFormat = ReportFormatter(language: .en, utcOffsetMinutes: 0)

  /// `temp_c`, `rh_pct`, `in_range_pct`, `minutes_out_of_range` and `budget_minutes`.
  private static func writeStatistics(of report: LotReport, to json: inout JSONObjectWriter) {
    let temperature = report.temperature
    let humidity = report.humidity
    json.object("temp_c") { json in
      json.number("min", temperature.min, decimals: decimals)
      json.number("max", temperature.max, decimals: decimals)
      json.number("mean", temperature.mean, decimals: decimals)
      json.number("mkt", temperature.meanKinetic, decimals: decimals)
    }
    json.object("rh_pct") { json in
      json.number("min", humidity.min, decimals: decimals)
      json.number("max", humidity.max, decimals: decimals)
      json.number("mean", humidity.mean, decimals: decimals)
    }
    json.object("in_range_pct") { json in
      json.number("temp_c", temperature.inRangePercent, decimals: decimals)
      json.number("rh_pct", humidity.inRangePercent, decimals: decimals)
    }
    json.object("minutes_out_of_range") { json in
      json.number("temp_c", temperature.minutesOutOfRange, decimals: decimals)
      json.number("rh_pct", humidity.minutesOutOfRange, decimals: decimals)
    }
    json.object("budget_minutes") { json in
      json.number("temp_c", temperature.budgetMinutes, decimals: decimals)
      json.number("rh_pct", humidity.budgetMinutes, decimals: decimals)
    }
  }

  /// A room stay's `judged_by` (basis, judging and context probes, what was excluded) and its `defrost` and `door`
  /// figures.
  private static func stay(_ json: inout JSONObjectWriter, _ room: RoomStay) {
    json.object("judged_by") { json in
      json.string("basis", room.judgement.basis.rawValue)
      json.strings("probes", room.judgement.judging.map(\.name))
      json.strings("context", room.judgement.context.map(\.name))
      json.object("excluded") { json in
        json.integer("defrosts", room.judgement.excludedDefrosts)
        json.integer("doors", room.judgement.excludedDoors)
        json.number("minutes", room.judgement.excludedMinutes, decimals: decimals)
      }
    }
    for signal in RoomSignal.allCases {
      let summary = room.summary(signal)
      json.object(signal.rawValue) { json in
        json.integer("count", summary.count)
        json.number("minutes", summary.minutes, decimals: decimals)
        json.number("longest_minutes", summary.longestMinutes, decimals: decimals)
      }
    }
  }

  /// One imported leg: where its readings come from (file, hash, logger, who imported it), its figures and
  /// excursions against the product's limits.
  private static func leg(_ json: inout JSONObjectWriter, _ report: ImportedLegReport) {
    json.importedLeg(report.leg, source: "imported")
    for metric in Metric.allCases {
      let summary = report.summary(metric)
      json.object(metric.rawValue) { json in
        json.number("min", summary.min, decimals: decimals)
        json.number("max", summary.max, decimals: decimals)
        json.number("mean", summary.mean, decimals: decimals)
        json.number("minutes_out_of_range", summary.minutesOutOfRange, decimals: decimals)
      }
    }
    json.objects("excursions", report.excursions) { excursion(&$0, $1) }
  }

  private static func excursion(_ json: inout JSONObjectWriter, _ excursion: Excursion) {
    json.string("metric", excursion.metric.rawValue)
    json.string("direction", excursion.direction.rawValue)
    json.string("start", excursion.start.rfc3339)
    json.string("end", excursion.end.rfc3339)
    json.number("minutes", excursion.minutes, decimals: decimals)
    json.number("peak", excursion.peak, decimals: decimals)
    json.bool("past_critical", excursion.pastCritical)
  }

  private static func limits(_ json: inout JSONObjectWriter, _ bands: MetricBands) {
    let limits: [(String, Severity, BandDirection)] = [
      ("warning_low", .warning, .low), ("warning_high", .warning, .high), ("critical_low", .critical, .low),
      ("critical_high", .critical, .high),
    ]
    for (key, severity, direction) in limits {
      json.object(key, bands.limit(severity, direction)) { json, limit in
        json.number("threshold", limit.threshold, decimals: decimals)
        json.number("delay_minutes", Double(limit.delaySeconds) / 60, decimals: decimals)
      }
    }
  }

  private static func treatment(_ json: inout JSONObjectWriter, _ status: TreatmentStatus) {
    json.number("max_temp_c", status.requirement.maxTempC, decimals: decimals)
    json.number("days", status.requirement.days, decimals: decimals)
    json.string("state", status.state.rawValue)
    json.string("clock_start", status.clockStart?.rfc3339)
    json.string("completed_at", status.completedAt?.rfc3339)
    json.number("elapsed_days", status.elapsedDays, decimals: decimals)
    json.integer("restarts", status.restarts)
  }

  private static func integrity(_ json: inout JSONObjectWriter, _ seal: ReportSeal) {
    json.string("sha256", seal.sha256)
    json.string("placements_sha256", seal.placementsSHA256)
    json.string("readings_sha256", seal.readingsSHA256)
    json.string("probes_sha256", seal.probesSHA256)
    json.string("spans_sha256", seal.spansSHA256)
    json.integer("seal_version", seal.version)
    json.integer("readings", seal.readings)
    json.integer("journal_event_id", seal.journalEventID)
    json.string("journal_sha256", seal.journalSHA256)
    json.string("seal", seal.token)
  }
}
