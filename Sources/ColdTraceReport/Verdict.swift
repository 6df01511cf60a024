import ColdTraceCore

/// The report's conclusion and the rule that decided it.
///
/// The rules, checked in this order (the first that applies decides):
/// 1. no reading at all → failed;
/// 2. a metric past a critical limit (any probe) for longer than that limit's alarm delay → failed;
/// 3. a metric whose profile has a budget and whose time out of range exceeds it → failed;
/// 4. a metric with time out of range and no budget: an excursion longer than its warning limit's alarm delay →
///    failed (without a budget, only what the alarm itself tolerates is tolerated);
/// 5. any time out of range left → excursions within budget (or within the alarm delays);
/// 6. otherwise → within limits.
public struct Verdict: Sendable, Equatable {
  public enum Outcome: String, Sendable {
    case withinLimits = "within_limits"
    case withinBudget = "excursions_within_budget"
    case failed
  }

  public enum Rule: Sendable, Equatable {
    case noReadings
    case pastCriticalLimit(Metric, BandDirection, threshold: Double, minutes: Double, allowedMinutes: Double)
    case budgetExceeded(Metric, usedMinutes: Double, budgetMinutes: Double)
    case excursionLongerThanDelay(
      Metric, BandDirection, threshold: Double, minutes: Double, allowedMinutes: Double)
    case withinBudget(Metric, usedMinutes: Double, budgetMinutes: Double)
    case withinAlarmDelays
    case noTimeOutOfRange

    /// A stable name for scripts (JSON `verdict.rule`).
    public var code: String {
      switch self {
      case .noReadings: "no_readings"
      case .pastCriticalLimit: "past_critical_limit"
      case .budgetExceeded: "budget_exceeded"
      case .excursionLongerThanDelay: "excursion_longer_than_alarm_delay"
      case .withinBudget: "within_budget"
      case .withinAlarmDelays: "within_alarm_delays"
      case .noTimeOutOfRange: "no_time_out_of_range"
      }
    }
  }

  public var outcome: Outcome
  public var rule: Rule
}
