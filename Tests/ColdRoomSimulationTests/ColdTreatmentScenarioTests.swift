import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceCore
import Foundation
import Testing

/// The cold-treatment clock over the simulator's 17-day litchi treatment (`litchi-cold-treatment-17d.toml`): the
/// three pulp probes, hourly, as the treatment's records would be kept. The air probe is left out on purpose: the
/// treatment is about pulp temperature, and defrosts lift the air above 0.99 °C several times a day.
@Suite(.timeLimit(.minutes(10)))
struct ColdTreatmentScenarioTests {
  private static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Simulators/scenarios/litchi-cold-treatment-17d.toml")

  /// Every per-lot event of the pulp probes over `scenario`, with the final lot state.
  private func replay(_ scenario: Scenario) -> (events: [LotEvent], state: LotRuleState) {
    var state = LotRuleState()
    var events: [LotEvent] = []
    let pulp = scenario.probes.indices.filter { scenario.probes[$0].placement == .product }
    scenario.play { snapshot, outputs in
      for index in pulp {
        guard case .reading(let tempC, _) = outputs[index] else { continue }
        let key = SensorKey(site: "sim", room: "ct1", sensor: scenario.probes[index].id)
        events += LotEngine.process(
          Sample(seq: nil, ts: snapshot.time, tempC: tempC), key: key, lot: "CT-1",
          profile: BuiltInProfiles.litchiColdTreatment, state: &state)
      }
    }
    return (events, state)
  }

  @Test func anUndisturbedTreatmentCompletesSeventeenDaysAfterTheFirstReading() throws {
    let scenario = try ScenarioFile.load(Self.file.path)
    let (events, state) = replay(scenario)
    #expect(events.count == 1)
    guard case .treatmentCompleted(let done) = events.first else {
      Issue.record("expected one completion, got \(events)")
      return
    }
    #expect(done.clockStart == scenario.start)
    #expect(done.completedAt == scenario.start.adding(seconds: 17 * 86_400))
    #expect(done.restarts == 0)
    #expect(state.treatment.completedAt == done.completedAt)
  }

  @Test func aCompressorFailureOnTheSecondDayRestartsTheClockOnce() throws {
    var scenario = try ScenarioFile.load(Self.file.path)
    scenario.durationSeconds = 21 * 86_400
    scenario.events.append(RoomEvent(atSeconds: 30 * 3600, kind: .compressorFailure(minutes: 8 * 60)))
    let (events, state) = replay(scenario)
    let alerts = events.compactMap { event -> AlertEvent? in
      if case .alert(let alert) = event, alert.kind == .treatment { return alert }
      return nil
    }
    #expect(alerts.map(\.type) == [.opened, .resolved], "\(alerts.map(\.message))")
    let opened = try #require(alerts.first)
    let resumed = try #require(alerts.last)
    #expect(opened.at > scenario.start.adding(seconds: 30 * 3600))
    #expect(resumed.at > opened.at)
    #expect(opened.message.contains("can finish at the earliest at \(opened.at.adding(seconds: 17 * 86_400).rfc3339)"))
    guard case .treatmentCompleted(let done) = events.last else {
      Issue.record("the treatment did not complete: \(events)")
      return
    }
    #expect(done.restarts == 1)
    #expect(done.clockStart == resumed.at)
    #expect(done.completedAt == resumed.at.adding(seconds: 17 * 86_400), "hourly readings land on the hour")
    #expect(state.treatment.restarts == 1)
  }
}
