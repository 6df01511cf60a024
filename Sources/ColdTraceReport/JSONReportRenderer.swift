import ColdTraceCore

/// The report for scripts: one JSON object (times RFC 3339 UTC, numbers in JSON notation) with the fields listed in
/// docs/protocol.md, "JSON output of the shell": limits, statistics, excursions, verdict, treatment, integrity.
enum JSONReportRenderer {
  static func render(_ report: LotReport) -> String {
    var fields: [(String, String)] = [
      ("lot", q(report.lot)),
      ("product", q(report.profile.id)),
      ("product_name", q(report.profile.name)),
      ("market", report.market.map(q) ?? "null"),
      ("from", q(report.from.rfc3339)),
      ("to", q(report.to.rfc3339)),
      ("open", report.isOpen ? "true" : "false"),
      (
        "rooms",
        array(report.rooms) {
          object([
            ("site", q($0.site)), ("room", q($0.room)), ("from", q($0.from.rfc3339)), ("to", q($0.to.rfc3339)),
            ("minutes", n($0.minutes)),
          ])
        }
      ),
      ("readings", String(report.readings)),
      ("probes", array(report.probes) { q($0) }),
      ("limits", object(Metric.allCases.map { ($0.rawValue, limits(report.profile.bands(for: $0))) })),
    ]
    let temperature = report.temperature
    let humidity = report.humidity
    fields += [
      (
        "temp_c",
        object([
          ("min", n(temperature.min)), ("max", n(temperature.max)), ("mean", n(temperature.mean)),
          ("mkt", n(temperature.meanKinetic)),
        ])
      ),
      ("rh_pct", object([("min", n(humidity.min)), ("max", n(humidity.max)), ("mean", n(humidity.mean))])),
      ("in_range_pct", object([("temp_c", n(temperature.inRangePercent)), ("rh_pct", n(humidity.inRangePercent))])),
      (
        "minutes_out_of_range",
        object([("temp_c", n(temperature.minutesOutOfRange)), ("rh_pct", n(humidity.minutesOutOfRange))])
      ),
      (
        "budget_minutes",
        object([("temp_c", n(temperature.budgetMinutes)), ("rh_pct", n(humidity.budgetMinutes))])
      ),
      (
        "excursions",
        array(report.excursions) {
          object([
            ("metric", q($0.metric.rawValue)), ("direction", q($0.direction.rawValue)),
            ("start", q($0.start.rfc3339)), ("end", q($0.end.rfc3339)), ("minutes", n($0.minutes)),
            ("peak", n($0.peak)), ("past_critical", $0.pastCritical ? "true" : "false"),
          ])
        }
      ),
      (
        "gaps",
        array(report.gaps) {
          object([
            ("site", q($0.site)), ("sensor", q($0.sensor)), ("from", q($0.from.rfc3339)), ("to", q($0.to.rfc3339)),
            ("minutes", n($0.minutes)),
          ])
        }
      ),
      ("cold_treatment", report.treatment.map(treatment) ?? "null"),
      ("alerts", "[" + report.alerts.map { $0.jsonLine() }.joined(separator: ",") + "]"),
      (
        "verdict",
        object([
          ("outcome", q(report.verdict.outcome.rawValue)), ("rule", q(report.verdict.rule.code)),
          ("explanation", q(ReportStrings(language: .en).rule(report.verdict.rule, format: englishFormat))),
        ])
      ),
      ("integrity", integrity(report.seal)),
    ]
    return object(fields) + "\n"
  }

  private static let englishFormat = ReportFormatter(language: .en, utcOffsetMinutes: 0)

  private static func limits(_ bands: MetricBands) -> String {
    func limit(_ severity: Severity, _ direction: BandDirection) -> String {
      guard let limit = bands.limit(severity, direction) else { return "null" }
      return object([("threshold", n(limit.threshold)), ("delay_minutes", n(Double(limit.delaySeconds) / 60))])
    }
    return object([
      ("warning_low", limit(.warning, .low)), ("warning_high", limit(.warning, .high)),
      ("critical_low", limit(.critical, .low)), ("critical_high", limit(.critical, .high)),
    ])
  }

  private static func treatment(_ status: TreatmentStatus) -> String {
    object([
      ("max_temp_c", n(status.requirement.maxTempC)), ("days", n(status.requirement.days)),
      ("state", q(status.state.rawValue)), ("clock_start", status.clockStart.map { q($0.rfc3339) } ?? "null"),
      ("completed_at", status.completedAt.map { q($0.rfc3339) } ?? "null"),
      ("elapsed_days", n(status.elapsedDays)), ("restarts", String(status.restarts)),
    ])
  }

  private static func integrity(_ seal: ReportSeal) -> String {
    object([
      ("sha256", q(seal.sha256)), ("placements_sha256", q(seal.placementsSHA256)),
      ("readings_sha256", q(seal.readingsSHA256)), ("readings", String(seal.readings)),
      ("journal_event_id", seal.journalEventID.map { String($0) } ?? "null"),
      ("journal_sha256", seal.journalSHA256.map(q) ?? "null"), ("seal", q(seal.token)),
    ])
  }

  private static func q(_ text: String) -> String { JSONText.quoted(text) }

  /// A number rounded to 4 decimals (enough for °C, % and minutes), or `null`.
  private static func n(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "null" }
    return JSONText.number((value * 10_000).rounded() / 10_000)
  }

  private static func object(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\(q($0.0)):\($0.1)" }.joined(separator: ",") + "}"
  }

  private static func array<T>(_ items: [T], _ render: (T) -> String) -> String {
    "[" + items.map(render).joined(separator: ",") + "]"
  }
}
