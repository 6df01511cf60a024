import Testing

@testable import ColdTraceCore

/// Sensor faults: errors in a row, impossible jumps, stuck values; one alert, resolved by a plausible reading.
struct FaultRuleTests {
  private let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1")
  private let t0 = Timestamp(seconds: 1_780_000_000)

  private func run(_ samples: [Sample]) -> [AlertEvent] {
    var state = SensorRuleState()
    return samples.flatMap { AlertEngine.process($0, key: key, profile: BuiltInProfiles.litchi, state: &state) }
      .filter { $0.kind == .sensorFault }
  }

  @Test func threeErrorsInARowOpenOneFaultAndAReadingResolvesIt() {
    let errors = (1...5).map { Sample(seq: Int64($0), ts: t0.adding(seconds: Double($0) * 60), error: "CRC failed") }
    let events = run(errors + [Sample(seq: 6, ts: t0.adding(seconds: 360), tempC: 3.4)])
    #expect(events.map(\.type) == [.opened, .resolved])
    #expect(events[0].at == t0.adding(seconds: 180), "on the third error")
    #expect(events[0].message.contains("CRC failed"))
  }

  @Test func twoErrorsThenAReadingRaiseNothing() {
    let samples = [
      Sample(seq: 1, ts: t0, error: "timeout"), Sample(seq: 2, ts: t0.adding(seconds: 60), error: "timeout"),
      Sample(seq: 3, ts: t0.adding(seconds: 120), tempC: 3),
    ]
    #expect(run(samples).isEmpty)
  }

  @Test func thePowerOnValueIsAnImpossibleJump() {
    let samples = [
      Sample(seq: 1, ts: t0, tempC: 3.5), Sample(seq: 2, ts: t0.adding(seconds: 60), tempC: 85),
      Sample(seq: 3, ts: t0.adding(seconds: 120), tempC: 3.5), Sample(seq: 4, ts: t0.adding(seconds: 180), tempC: 3.6),
    ]
    let events = run(samples)
    #expect(events.map(\.type) == [.opened, .resolved])
    #expect(events[0].at == t0.adding(seconds: 60) && events[1].at == t0.adding(seconds: 180))
  }

  @Test func aStuckValueIsAFaultButAStableNoisyRoomIsNot() {
    let stuck = (0..<40).map { Sample(seq: Int64($0 + 1), ts: t0.adding(seconds: Double($0) * 600), tempC: 3.4375) }
    let events = run(stuck)
    #expect(events.map(\.type) == [.opened])
    #expect(events[0].at == t0.adding(seconds: 36 * 600), "30 readings and 6 hours, whichever comes later")
    // DS18B20 steps of 0.0625 °C around a set-point: values repeat, but not 30 times in a row.
    let noisy = (0..<200).map { (index: Int) -> Sample in
      let step = Double(index % 3) * 0.0625
      return Sample(seq: Int64(index + 1), ts: t0.adding(seconds: Double(index) * 600), tempC: 3.4375 + step)
    }
    #expect(run(noisy).isEmpty)
  }

  @Test func probeNoiseAtFastSamplingIsNoJump() {
    let fast = (0..<100).map { (index: Int) -> Sample in
      let noise = index % 2 == 0 ? 0.2 : -0.2
      return Sample(seq: Int64(index + 1), ts: t0.adding(seconds: Double(index) * 0.5), tempC: 3.5 + noise)
    }
    #expect(run(fast).isEmpty)
  }
}
