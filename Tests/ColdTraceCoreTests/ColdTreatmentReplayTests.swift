import Foundation
import Testing

@testable import ColdTraceCore

/// A 17-day cold treatment of a litchi lot replayed hour by hour from three pulp probes (the records cold-treatment
/// protocols ask for: hourly, several pulp probes): the fruit cools below 0.99 °C, one probe rises above it once,
/// the clock restarts, and the treatment completes 17 days after the restart. Every event and its time is fixed in
/// advance.
@Suite("17-day cold treatment replay", .timeLimit(.minutes(10)))
struct ColdTreatmentReplayTests {
  static let probes = ["28-0000000000p1", "28-0000000000p2", "28-0000000000p3"]
  static let hours = 19 * 24
  static let restartHour = 30
  static let coolingHours = 6

  /// Pulp temperature of probe `index` at `hour`: cooling from 4 °C for six hours, then 0.2–0.8 °C, except probe 2 at
  /// the restart hour, which reads 1.05 °C.
  static func pulp(_ index: Int, hour: Int) -> Double {
    if hour < coolingHours { return 4 - Double(hour) * 0.5 }
    if index == 1 && hour == restartHour { return 1.05 }
    return ((0.5 + 0.3 * sin(Double(hour) * 0.7 + Double(index))) * 100).rounded() / 100
  }

  /// The replay's expected events: (what, hour after the start).
  static let expected: [(String, Int)] = [
    ("treatment opened", restartHour),
    ("treatment resolved", restartHour + 1),
    ("treatment completed", restartHour + 1 + 17 * 24),
  ]

  @Test func seventeenDaysWithOneRestart() throws {
    let profile = BuiltInProfiles.litchiColdTreatment
    #expect(profile.coldTreatment == ColdTreatment(maxTempC: 0.99, days: 17))
    var state = LotRuleState()
    var events: [(String, Int, LotEvent)] = []
    for hour in 0..<Self.hours {
      for (index, probe) in Self.probes.enumerated() {
        let sample = Sample(
          seq: Int64(hour), ts: LotFixtures.at(hours: Double(hour)), tempC: Self.pulp(index, hour: hour), rhPct: 92)
        for event in LotEngine.process(
          sample, key: SensorKey(site: "hongxuan", room: "ct1", sensor: probe), lot: LotFixtures.lot,
          profile: profile, state: &state)
        {
          switch event {
          case .alert(let alert) where alert.kind == .treatment:
            events.append(("treatment \(alert.type.rawValue)", hour, event))
          case .alert(let alert):
            events.append(("\(alert.kind.rawValue) \(alert.type.rawValue)", hour, event))
          case .treatmentCompleted:
            events.append(("treatment completed", hour, event))
          }
        }
      }
    }
    #expect(events.map(\.0) == Self.expected.map(\.0))
    #expect(events.map(\.1) == Self.expected.map(\.1))
    let completion = try #require(
      events.compactMap { event -> TreatmentCompletion? in
        if case .treatmentCompleted(let done) = event.2 { return done }
        return nil
      }.first)
    #expect(completion.clockStart == LotFixtures.at(hours: Double(Self.restartHour + 1)))
    #expect(completion.completedAt == Timestamp.parseRFC3339("2026-07-01T00:00:00Z"))
    #expect(completion.restarts == 1)
    if case .alert(let opened) = events.first?.2 {
      #expect(opened.at == Timestamp.parseRFC3339("2026-06-13T23:00:00Z"))
      #expect(opened.value == 1.05)
      #expect(opened.message.contains("28-0000000000p2 read 1.05 °C above 0.99 °C after 24 h at or below"))
      #expect(opened.message.contains("can finish at the earliest at 2026-06-30T23:00:00.000Z"))
    }
    #expect(state.treatment.completedAt == completion.completedAt)
    // The pulp stayed inside the treatment profile's band after cooling except for the one warm reading (1.05 °C is
    // under the 1.5 °C warning limit), so no budget time was spent after the cooling hours.
    #expect(state.temperatureBudget.exhaustedAt == nil)
  }
}
