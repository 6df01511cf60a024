@testable import ColdTraceCore

/// Lots, probes and profiles shared by the per-lot rule tests.
enum LotFixtures {
  static let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  static let lot = "LT-2026-0612"
  static func probe(_ name: String) -> SensorKey { SensorKey(site: "hongxuan", room: "cold2", sensor: name) }

  /// Litchi with a budget of `minutes` of temperature and of humidity.
  static func litchi(budgetMinutes minutes: Double) -> ProductProfile {
    var profile = BuiltInProfiles.litchi
    profile.budget = ExcursionBudget(temperatureMinutes: minutes, humidityMinutes: minutes)
    return profile
  }

  /// Litchi under a cold treatment of `days` at or below 0.99 °C.
  static func treatment(days: Double) -> ProductProfile {
    var profile = BuiltInProfiles.litchiColdTreatment
    profile.coldTreatment = ColdTreatment(maxTempC: 0.99, days: days)
    return profile
  }

  static func at(minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }
  static func at(hours: Double) -> Timestamp { start.adding(seconds: hours * 3600) }

  /// Runs readings `(probe, time, temp_c, rh_pct)` through one lot's rules, returning each event with the state.
  static func run(
    _ readings: [(probe: String, at: Timestamp, tempC: Double?, rhPct: Double?)], profile: ProductProfile,
    state: inout LotRuleState
  ) -> [LotEvent] {
    var events: [LotEvent] = []
    for reading in readings {
      let sample = Sample(seq: nil, ts: reading.at, tempC: reading.tempC, rhPct: reading.rhPct)
      events += LotEngine.process(sample, key: probe(reading.probe), lot: lot, profile: profile, state: &state)
    }
    return events
  }

  /// The alert events among `events`.
  static func alerts(_ events: [LotEvent]) -> [AlertEvent] {
    events.compactMap {
      if case .alert(let alert) = $0 { return alert }
      return nil
    }
  }
}
