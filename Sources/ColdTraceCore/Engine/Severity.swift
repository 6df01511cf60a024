/// How bad an alert is: `warning < critical`. An open alert's severity only ever goes up.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
  case warning
  case critical

  public static func < (lhs: Severity, rhs: Severity) -> Bool {
    lhs.rank < rhs.rank
  }

  private var rank: Int {
    switch self {
    case .warning: 0
    case .critical: 1
    }
  }
}
