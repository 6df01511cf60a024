import ColdTraceCore

/// A lot's excursion budgets and cold-treatment clock as `coldtrace lot show` prints them.
struct LotRulesView {
  let profile: ProductProfile?
  let state: LotRuleState

  /// `"budget":{"temp_c":{…},"rh_pct":{…}},"treatment":{…}|null` fields for the lot's JSON object.
  func writeJSONFields(to json: inout JSONObjectWriter) {
    json.object("budget") { json in
      for metric in Metric.allCases {
        let budget = state[budget: metric]
        json.object(metric.rawValue) { json in
          json.number("used_minutes", budget.usedMinutes, decimals: 1)
          json.number("budget_minutes", profile?.budget?.minutes(for: metric))
          json.string("exhausted_at", budget.exhaustedAt?.rfc3339)
        }
      }
    }
    json.object("treatment", profile?.coldTreatment) { json, cold in
      let clock = state.treatment
      json.number("max_temp_c", cold.maxTempC)
      json.number("days", cold.days)
      json.string("state", treatmentState)
      json.string("clock_started_at", clock.clockStart?.rfc3339)
      json.string("earliest_finish", earliestFinish(cold)?.rfc3339)
      json.integer("restarts", clock.restarts)
      json.string("last_restart_at", clock.lastRestartAt?.rfc3339)
      json.string("completed_at", clock.completedAt?.rfc3339)
    }
  }

  /// One line per metric and one for the treatment, for people, times to the minute in `zone`.
  func text(zone: SiteTimeZone) -> [String] {
    let time = { (time: Timestamp) in Language.en.dateTime(time, in: zone) }
    var lines = Metric.allCases.map { metric in
      let budget = state[budget: metric]
      let used = "\(metric.label) outside its band: \(JSONText.number((budget.usedMinutes * 10).rounded() / 10)) min"
      guard let minutes = profile?.budget?.minutes(for: metric) else { return used + " (no budget)" }
      let exhausted = budget.exhaustedAt.map { ", USED UP at \(time($0))" } ?? ""
      return used + " of a \(JSONText.number(minutes)) min budget" + exhausted
    }
    if let cold = profile?.coldTreatment {
      let clock = state.treatment
      let head = "cold treatment ≤ \(JSONText.number(cold.maxTempC)) °C for \(JSONText.number(cold.days)) d: "
      let restarts = "\(clock.restarts) restart\(clock.restarts == 1 ? "" : "s")"
      switch treatmentState {
      case "completed":
        lines.append(head + "completed at \(time(clock.completedAt!)) (\(restarts))")
      case "running":
        lines.append(
          head + "running since \(time(clock.clockStart!)), can finish at \(time(earliestFinish(cold)!)) "
            + "(\(restarts))")
      default:
        lines.append(head + "clock not running (\(restarts))")
      }
    }
    return lines
  }

  /// `completed`, `running` or `stopped` (not started yet, or a probe is above the limit).
  private var treatmentState: String {
    if state.treatment.completedAt != nil { return "completed" }
    return state.treatment.clockStart == nil ? "stopped" : "running"
  }

  private func earliestFinish(_ cold: ColdTreatment) -> Timestamp? {
    guard state.treatment.completedAt == nil else { return nil }
    return state.treatment.clockStart?.adding(seconds: cold.durationSeconds)
  }
}
