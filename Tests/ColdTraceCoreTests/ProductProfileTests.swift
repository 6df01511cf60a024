import Foundation
import Testing

@testable import ColdTraceCore

@Suite("Product profiles and alert vocabulary")
struct ProductProfileTests {
  @Test("the built-in litchi profile carries the limits from the domain notes")
  func litchiLimits() throws {
    let litchi = try #require(BuiltInProfiles.named("litchi"))
    #expect(litchi.market == nil)
    #expect(litchi.temperature.warningHigh == BandLimit(threshold: 5, delaySeconds: 2700), "defrosts last 15–30 min")
    #expect(litchi.trend == .chilledRoom)
    #expect(litchi.temperature.criticalHigh == BandLimit(threshold: 8, delaySeconds: 600))
    #expect(litchi.temperature.warningLow == BandLimit(threshold: 1, delaySeconds: 1800))
    #expect(litchi.temperature.criticalLow == BandLimit(threshold: -0.5, delaySeconds: 600))
    #expect(litchi.temperature.hysteresis == 0.5)
    #expect(litchi.humidity.warningLow == BandLimit(threshold: 85, delaySeconds: 3600))
    #expect(litchi.humidity.criticalLow == BandLimit(threshold: 80, delaySeconds: 3600))
    #expect(litchi.humidity.warningHigh == BandLimit(threshold: 98, delaySeconds: 7200))
    #expect(litchi.humidity.criticalHigh == nil)
    #expect(litchi.humidity.hysteresis == 2)
    #expect(litchi.sources.contains { $0.contains("CTAHR") && $0.contains("2–5 °C") })
    #expect(litchi.sources.contains { $0.contains("AC681E") })
    #expect(litchi.notes.contains { $0.contains("disagree") && $0.contains("3 °C") })
  }

  @Test("every built-in profile is sound, cited and uniquely named")
  func builtInsAreSound() {
    #expect(!BuiltInProfiles.all.isEmpty)
    #expect(Set(BuiltInProfiles.all.map(\.id)).count == BuiltInProfiles.all.count)
    for profile in BuiltInProfiles.all {
      #expect(profile.problems() == [], "\(profile.id)")
      #expect(!profile.sources.isEmpty, "\(profile.id)")
      #expect(!profile.notes.isEmpty, "\(profile.id)")
      #expect(BuiltInProfiles.named(profile.id.uppercased()) == profile)
    }
    #expect(BuiltInProfiles.named("durian") == nil)
  }

  @Test("inconsistent bands are reported in words an operator can act on")
  func problemsAreReported() {
    var profile = BuiltInProfiles.litchi
    profile.temperature.criticalHigh = .past(4, afterMinutes: 10)
    profile.temperature.warningLow = BandLimit(threshold: 1, delaySeconds: -60)
    profile.humidity.hysteresis = -1
    profile.sources = []
    #expect(
      profile.problems() == [
        "profile litchi cites no source for its numbers",
        "profile litchi, temperature: critical high limit 4 °C must not be inside the warning high limit 5 °C",
        "profile litchi, temperature: warning low limit has a negative delay (-60 s)",
        "profile litchi, humidity: hysteresis must be 0 or more, not -1",
      ])

    var overlapping = BuiltInProfiles.litchi
    overlapping.temperature.warningLow = .past(4.6, afterMinutes: 30)
    #expect(
      overlapping.problems() == [
        "profile litchi, temperature: high and low limits overlap once the 0.5 °C hysteresis is applied "
          + "(high 5 °C, low 4.6 °C)"
      ])
  }

  @Test("clearing lines sit at the warning limit moved inward by the hysteresis")
  func clearingLines() {
    let bands = BuiltInProfiles.litchi.temperature
    #expect(bands.hasCleared(4.5, .high))
    #expect(!bands.hasCleared(4.51, .high))
    #expect(bands.hasCleared(1.5, .low))
    #expect(!bands.hasCleared(1.49, .low))
    #expect(MetricBands(criticalHigh: .past(8, afterMinutes: 0), hysteresis: 1).clearingThreshold(.high) == 8)
  }

  @Test("profiles encode to JSON and back unchanged")
  func profileRoundTrip() throws {
    let data = try JSONEncoder().encode(BuiltInProfiles.all)
    #expect(try JSONDecoder().decode([ProductProfile].self, from: data) == BuiltInProfiles.all)
  }

  @Test("kinds, severities and metrics use the contract's strings")
  func vocabulary() {
    #expect(
      AlertKind.allCases.map(\.rawValue) == [
        "temp_high", "temp_low", "rh_high", "rh_low", "temp_trend", "budget", "treatment", "offline", "agent_offline",
        "sensor_fault", "calibration_due", "door_open", "defrost_overrun", "seq_reset", "battery_low", "weak_signal",
        "site_limit", "clock_skew", "uplink_down",
      ])
    #expect(Severity.warning < Severity.critical)
    #expect(Severity.allCases.map(\.rawValue) == ["warning", "critical"])
    #expect(Metric.allCases.map(\.rawValue) == ["temp_c", "rh_pct"])
    #expect(Metric.temperature.unit == "°C")
    #expect(Metric.humidity.unit == "%")
    #expect(AlertEventType.allCases.map(\.rawValue) == ["opened", "escalated", "resolved"])
  }

  @Test("band kinds map to their metric and direction and back")
  func bandKinds() {
    for metric in Metric.allCases {
      for direction in BandDirection.allCases {
        let kind = AlertKind(metric: metric, direction: direction)
        #expect(kind.band?.metric == metric)
        #expect(kind.band?.direction == direction)
      }
    }
    #expect(AlertKind(metric: .humidity, direction: .low) == .rhLow)
    #expect(AlertKind.offline.band == nil)
  }
}
