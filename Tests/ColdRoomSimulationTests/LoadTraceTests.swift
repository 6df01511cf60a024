import ColdRoomSimulation
import ColdTraceCore
import Testing

/// The load generator's excursion trace: alerts must fall due exactly at known readings, or latency cannot be timed.
@Suite("Load trace", .timeLimit(.minutes(10)))
struct LoadTraceTests {
  static let start = Timestamp(milliseconds: 1_780_000_000_000)

  @Test("without excursions every sample is cool, numbered from 1, step seconds apart")
  func steady() {
    let trace = LoadTrace(start: Self.start, stepSeconds: 0.5)
    var random = SplitMix64(seed: 7)
    let samples = (0..<200).map { trace.sample($0, random: &random) }
    #expect(samples.map(\.seq) == (1...200).map { Int64($0) })
    #expect(samples[199].ts == Self.start.adding(seconds: 99.5))
    #expect(samples.allSatisfy { abs(($0.tempC ?? 99) - 3.5) < 1 })
  }

  @Test("litchi critical-high opens at the 10th warm minute and resolves at the next cool one, every cycle")
  func alertsFallDueAtKnownReadings() {
    let trace = LoadTrace(start: Self.start, stepSeconds: 60, excursionEvery: 40)
    let key = SensorKey(site: "sim-site-01", room: "room-1", sensor: "probe-001")
    var random = SplitMix64(seed: 1)
    var state = SensorRuleState()
    var events: [(index: Int, type: AlertEventType, kind: AlertKind)] = []
    for index in 0..<120 {
      let sample = trace.sample(index, random: &random)
      for event in AlertEngine.process(sample, key: key, profile: BuiltInProfiles.litchi, state: &state) {
        events.append((index, event.type, event.kind))
      }
    }
    // Warm from index 20 of each cycle: 10 min later (index 30) critical-high is due; index 40 is cool again.
    #expect(events.map(\.index) == [30, 40, 70, 80, 110])
    #expect(events.map(\.type) == [.opened, .resolved, .opened, .resolved, .opened])
    #expect(events.allSatisfy { $0.kind == .tempHigh })
  }
}
