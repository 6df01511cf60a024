import ColdTraceConfig
import ColdTraceCore

extension CollectorConfigFile {
  /// `[clock]`: `skew_margin_seconds` (default 120) and `skew_sustain_seconds` (default 300), see `ClockSkewRule`.
  static func clockSkew(_ config: ConfigTable) throws(ConfigError) -> ClockSkewRule {
    var rule = ClockSkewRule()
    guard let table = try config.table("clock") else { return rule }
    try table.rejectUnknownKeys(allowed: ["skew_margin_seconds", "skew_sustain_seconds"])
    rule.marginSeconds = try table.double(
      "skew_margin_seconds", .within(1...86_400, "a day"), default: rule.marginSeconds)
    rule.sustainSeconds = try table.double(
      "skew_sustain_seconds", .within(0...86_400, "a day"), default: rule.sustainSeconds)
    return rule
  }
}
