import ColdTraceCore

/// Applies the rules documented on `Verdict`, in order.
enum VerdictRules {
  static func decide(
    profile: ProductProfile, summaries: [MetricSummary], warning: [Metric: [BandDirection: [PeakSpan]]],
    critical: [Metric: [BandDirection: [PeakSpan]]], readings: Int
  ) -> Verdict {
    guard readings > 0 else { return Verdict(outcome: .failed, rule: .noReadings) }
    for metric in Metric.allCases {
      for direction in BandDirection.allCases {
        guard let limit = profile.bands(for: metric).limit(.critical, direction) else { continue }
        let allowed = Double(limit.delaySeconds) / 60
        if let longest = longest(critical[metric]?[direction]), longest > allowed {
          return Verdict(
            outcome: .failed,
            rule: .pastCriticalLimit(
              metric, direction, threshold: limit.threshold, minutes: longest, allowedMinutes: allowed))
        }
      }
    }
    var withinBudget: Verdict.Rule?
    for summary in summaries where summary.minutesOutOfRange > 0 {
      if let budget = summary.budgetMinutes {
        if summary.minutesOutOfRange > budget {
          return Verdict(
            outcome: .failed,
            rule: .budgetExceeded(summary.metric, usedMinutes: summary.minutesOutOfRange, budgetMinutes: budget))
        }
        withinBudget =
          withinBudget
          ?? .withinBudget(summary.metric, usedMinutes: summary.minutesOutOfRange, budgetMinutes: budget)
        continue
      }
      let bands = profile.bands(for: summary.metric)
      for direction in BandDirection.allCases {
        guard let limit = bands.limit(.warning, direction) ?? bands.limit(.critical, direction) else { continue }
        let allowed = Double(limit.delaySeconds) / 60
        if let longest = longest(warning[summary.metric]?[direction]), longest > allowed {
          return Verdict(
            outcome: .failed,
            rule: .excursionLongerThanDelay(
              summary.metric, direction, threshold: limit.threshold, minutes: longest, allowedMinutes: allowed))
        }
      }
    }
    if summaries.contains(where: { $0.minutesOutOfRange > 0 }) {
      return Verdict(outcome: .withinBudget, rule: withinBudget ?? .withinAlarmDelays)
    }
    return Verdict(outcome: .withinLimits, rule: .noTimeOutOfRange)
  }

  /// The longest span in minutes, if any.
  private static func longest(_ spans: [PeakSpan]?) -> Double? {
    spans?.map { Double($0.milliseconds) / 60_000 }.max()
  }
}
