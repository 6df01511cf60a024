/// Everything the per-lot rules remember about one lot between readings: what each probe of its rooms last said, the
/// excursion time used per metric, and the cold-treatment clock.
///
/// The collector stores it in `lot_rule_state`, in the transaction of the reading that changed it, so a restart
/// resumes exactly; decoding tolerates fields added by later versions being absent.
public struct LotRuleState: Sendable, Codable, Equatable {
  /// Per probe (`site/sensor`), its newest reading as the lot's rules saw it.
  public var probes: [String: LotProbeTrace]
  public var temperatureBudget: BudgetState
  public var humidityBudget: BudgetState
  public var treatment: TreatmentState

  public init() {
    probes = [:]
    temperatureBudget = BudgetState()
    humidityBudget = BudgetState()
    treatment = TreatmentState()
  }

  /// The excursion accounting of `metric`.
  public subscript(budget metric: Metric) -> BudgetState {
    get {
      switch metric {
      case .temperature: temperatureBudget
      case .humidity: humidityBudget
      }
    }
    set {
      switch metric {
      case .temperature: temperatureBudget = newValue
      case .humidity: humidityBudget = newValue
      }
    }
  }

  private enum CodingKeys: String, CodingKey {
    case probes, temperatureBudget, humidityBudget, treatment
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    probes = try container.decodeIfPresent([String: LotProbeTrace].self, forKey: .probes) ?? [:]
    temperatureBudget = try container.decodeIfPresent(BudgetState.self, forKey: .temperatureBudget) ?? BudgetState()
    humidityBudget = try container.decodeIfPresent(BudgetState.self, forKey: .humidityBudget) ?? BudgetState()
    treatment = try container.decodeIfPresent(TreatmentState.self, forKey: .treatment) ?? TreatmentState()
  }
}

/// One probe as a lot's rules last saw it.
public struct LotProbeTrace: Sendable, Codable, Equatable {
  /// Event time of the probe's newest reading applied to the lot; older or equal readings are ignored.
  public var lastTs: Timestamp
  /// Whether its newest temperature was above the cold-treatment limit (always false without a treatment).
  public var aboveTreatmentLimit: Bool
  /// The room it read from (`nil` in states saved before rooms were kept).
  public var room: String?

  public init(lastTs: Timestamp, aboveTreatmentLimit: Bool = false, room: String? = nil) {
    self.lastTs = lastTs
    self.aboveTreatmentLimit = aboveTreatmentLimit
    self.room = room
  }
}

/// A span of event time, `(start, end]` in milliseconds.
public struct TimeSpan: Sendable, Codable, Equatable {
  public var start: Int64
  public var end: Int64

  public init(start: Int64, end: Int64) {
    self.start = start
    self.end = end
  }

  public var milliseconds: Int64 { max(end - start, 0) }
}
