/// What an alert is about; the raw values are the `kind` strings of docs/protocol.md.
///
/// One alert per sensor and kind is open at a time.
public enum AlertKind: String, Sendable, Codable, CaseIterable {
  case tempHigh = "temp_high"
  case tempLow = "temp_low"
  case rhHigh = "rh_high"
  case rhLow = "rh_low"
  /// The temperature is climbing fast, still inside the band (a failing compressor); a warning only.
  case tempTrend = "temp_trend"
  /// A lot used up its excursion budget.
  case budget
  /// A cold-treatment clock restarted or failed.
  case treatment
  /// A sensor stopped reporting.
  case offline
  case agentOffline = "agent_offline"
  case sensorFault = "sensor_fault"
  /// A probe's calibration falls due within the notice (warning) or is past due (critical).
  case calibrationDue = "calibration_due"
  /// A room's door stayed open past its warning (then critical) time (docs/alert-rules.md, "Defrost and doors").
  case doorOpen = "door_open"
  /// A defrost lasted longer than its maximum: a heater or termination fault, or no defrost at all.
  case defrostOverrun = "defrost_overrun"
  /// A probe's publisher used sequence numbers again for new readings (`SequenceResetRule`); a warning only.
  case seqReset = "seq_reset"
  /// A wireless probe's battery is low (a `[[source]]`'s probe; a warning only).
  case batteryLow = "battery_low"
  /// A wireless probe's radio link is weak: Zigbee link quality or Wi-Fi RSSI (a warning only).
  case weakSignal = "weak_signal"
  /// A site went past one of its limits (`max_probes`, `max_readings_per_second`): its excess readings are kept in
  /// quarantine (`SiteLimitRule`); a warning, one per site and limit.
  case siteLimit = "site_limit"
  /// An agent's clock runs consistently ahead of or behind the collector's (`ClockSkewRule`); a warning, one per
  /// agent.
  case clockSkew = "clock_skew"
  /// A site broker's bridge to the central broker has been down past its grace (`SiteUplinkRule`); a warning, one
  /// per site, critical once the site has been unseen as long as a probe may be silent (it stands in for the probes'
  /// `offline` alerts meanwhile).
  case uplinkDown = "uplink_down"

  /// The kind raised when `metric` stays past a limit in `direction`.
  public init(metric: Metric, direction: BandDirection) {
    switch (metric, direction) {
    case (.temperature, .high): self = .tempHigh
    case (.temperature, .low): self = .tempLow
    case (.humidity, .high): self = .rhHigh
    case (.humidity, .low): self = .rhLow
    }
  }

  /// The metric and direction of a band kind (`temp_high` …); `nil` for the other kinds.
  public var band: (metric: Metric, direction: BandDirection)? {
    switch self {
    case .tempHigh: (.temperature, .high)
    case .tempLow: (.temperature, .low)
    case .rhHigh: (.humidity, .high)
    case .rhLow: (.humidity, .low)
    case .tempTrend, .budget, .treatment, .offline, .agentOffline, .sensorFault, .calibrationDue, .doorOpen,
      .defrostOverrun, .seqReset, .batteryLow, .weakSignal, .siteLimit, .clockSkew, .uplinkDown:
      nil
    }
  }
}
