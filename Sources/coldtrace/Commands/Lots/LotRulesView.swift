import ColdTraceCore

/// A lot's excursion budgets and cold-treatment clock as `coldtrace lot show` prints them.
struct LotRulesView {
  let profile: ProductProfile?
  let state: LotRuleState

  /// `"budget":{"temp_c":{…},"rh_pct":{…}},"treatment":{…}|null` fields for the lot's JSON object.
  var jsonFields: [(String, String)] {
    let budgets = Metric.allCases.map { metric in
      let budget = state[budget: metric]
      let fields = [
        ("used_minutes", JSONText.number((budget.usedMinutes * 10).rounded() / 10)),
        ("budget_minutes", profile?.budget?.minutes(for: metric).map(JSONText.number) ?? "null"),
        ("exhausted_at", budget.exhaustedAt.map { JSONText.quoted($0.rfc3339) } ?? "null"),
      ]
      return "\"\(metric.rawValue)\":" + object(fields)
    }
    var treatment = "null"
    if let cold = profile?.coldTreatment {
      let clock = state.treatment
      treatment = object([
        ("max_temp_c", JSONText.number(cold.maxTempC)),
        ("days", JSONText.number(cold.days)),
        ("state", JSONText.quoted(treatmentState)),
        ("clock_started_at", clock.clockStart.map { JSONText.quoted($0.rfc3339) } ?? "null"),
        ("earliest_finish", earliestFinish(cold).map { JSONText.quoted($0.rfc3339) } ?? "null"),
        ("restarts", String(clock.restarts)),
        ("last_restart_at", clock.lastRestartAt.map { JSONText.quoted($0.rfc3339) } ?? "null"),
        ("completed_at", clock.completedAt.map { JSONText.quoted($0.rfc3339) } ?? "null"),
      ])
    }
    return [("budget", "{" + budgets.joined(separator: ",") + "}"), ("treatment", treatment)]
  }

  /// One line per metric and one for the treatment, for people.
  var text: [String] {
    var lines = Metric.allCases.map { metric in
      let budget = state[budget: metric]
      let used = "\(metric.label) outside its band: \(JSONText.number((budget.usedMinutes * 10).rounded() / 10)) min"
      guard let minutes = profile?.budget?.minutes(for: metric) else { return used + " (no budget)" }
      let exhausted = budget.exhaustedAt.map { ", USED UP at \($0.rfc3339)" } ?? ""
      return used + " of a \(JSONText.number(minutes)) min budget" + exhausted
    }
    if let cold = profile?.coldTreatment {
      let clock = state.treatment
      let head = "cold treatment ≤ \(JSONText.number(cold.maxTempC)) °C for \(JSONText.number(cold.days)) d: "
      let restarts = "\(clock.restarts) restart\(clock.restarts == 1 ? "" : "s")"
      switch treatmentState {
      case "completed":
        lines.append(head + "completed at \(clock.completedAt!.rfc3339) (\(restarts))")
      case "running":
        lines.append(
          head + "running since \(clock.clockStart!.rfc3339), can finish at \(earliestFinish(cold)!.rfc3339) "
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

  private func object(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
  }
}
