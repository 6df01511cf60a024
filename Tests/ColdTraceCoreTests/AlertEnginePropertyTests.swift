import Foundation
import Testing

@testable import ColdTraceCore

/// SplitMix64: a small seeded generator, so every random trace can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Random traces around a profile's limits: regimes held for a random number of readings at values just inside, just
/// past and far past each limit, random intervals (30 s to 10 min), gaps of hours, error samples, samples carrying
/// one metric only, and late samples the engine must ignore; then a settling tail well inside every band.
struct RandomTrace {
  let samples: [Sample]
  /// Where the settling tail starts in `samples`.
  let tailStart: Int

  init(seed: UInt64, profile: ProductProfile) {
    var random = SeededGenerator(seed: seed)
    let temperatures = Self.levels(around: profile.temperature)
    let humidities = Self.levels(around: profile.humidity)
    var samples: [Sample] = []
    var now = EngineFixtures.start
    var seq: Int64 = 0
    var tempC = temperatures.middle
    var rhPct = humidities.middle
    var hold = 0
    for _ in 0..<Int.random(in: 200...400, using: &random) {
      if hold == 0 {
        tempC = temperatures.all.randomElement(using: &random)!
        rhPct = humidities.all.randomElement(using: &random)!
        hold = Int.random(in: 1...40, using: &random)
      }
      hold -= 1
      let gap = Double.random(in: 0..<1, using: &random) < 0.03
      now = now.adding(
        seconds: gap
          ? Double.random(in: 3600...14_400, using: &random) : Double.random(in: 30...600, using: &random).rounded())
      seq += 1
      let noise = Double.random(in: -0.3...0.3, using: &random)
      let kind = Double.random(in: 0..<1, using: &random)
      switch kind {
      case ..<0.05: samples.append(Sample(seq: seq, ts: now, error: "crc failed"))
      case ..<0.15: samples.append(Sample(seq: seq, ts: now, tempC: tempC + noise))
      case ..<0.25: samples.append(Sample(seq: seq, ts: now, rhPct: rhPct + noise))
      case ..<0.27: samples.append(Sample(seq: seq, ts: now.adding(seconds: -900), tempC: 40, rhPct: 10))
      default: samples.append(Sample(seq: seq, ts: now, tempC: tempC + noise, rhPct: rhPct + noise))
      }
    }
    tailStart = samples.count
    // Four hours every 5 minutes, alternating by 0.1 so the fault rule sees no stuck probe.
    for step in 1...48 {
      seq += 1
      let wobble = step.isMultiple(of: 2) ? 0.1 : 0
      samples.append(
        Sample(
          seq: seq, ts: now.adding(seconds: Double(step) * 300), tempC: temperatures.middle + wobble,
          rhPct: humidities.middle + wobble))
    }
    self.samples = samples
  }

  /// Values on both sides of every limit, and the middle of the band once the hysteresis is cleared.
  static func levels(around bands: MetricBands) -> (all: [Double], middle: Double) {
    let high = bands.clearingThreshold(.high).map { $0 - bands.hysteresis }
    let low = bands.clearingThreshold(.low).map { $0 + bands.hysteresis }
    let middle: Double =
      switch (low, high) {
      case (let low?, let high?): (low + high) / 2
      case (let low?, nil): low + 3
      case (nil, let high?): high - 3
      case (nil, nil): 50
      }
    var all = [middle]
    for severity in Severity.allCases {
      for direction in BandDirection.allCases {
        guard let limit = bands.limit(severity, direction)?.threshold else { continue }
        all += [limit - 1, limit - 0.2, limit + 0.2, limit + 1, limit + (direction == .high ? 4 : -4)]
      }
    }
    return (all, middle)
  }
}

/// Properties of the alert engine that hold on every trace, checked over 400 random ones.
@Suite("Alert engine properties over random traces")
struct AlertEnginePropertyTests {
  static let key = EngineFixtures.door
  /// Profiles by id (ids keep test names short): both sides limited, a critical-only side, a high side only.
  static let profiles = ["litchi", "longan", "chilled-pork-eu", "frozen-meat"]
  static let seeds: ClosedRange<UInt64> = 1...100

  static func run(_ samples: some Sequence<Sample>, profile: ProductProfile, engine: inout AlertEngine)
    -> [AlertEvent]
  {
    samples.flatMap { engine.process(key: key, sample: $0, profile: profile) }
  }

  @Test("no band alert opens or escalates before its delay has run past its limit", arguments: profiles)
  func noAlertBeforeItsDelay(id: String) throws {
    let profile = try #require(BuiltInProfiles.named(id))
    for seed in Self.seeds {
      let trace = RandomTrace(seed: seed, profile: profile)
      let accepted = Self.accepted(trace.samples)
      var engine = AlertEngine()
      for event in Self.run(trace.samples, profile: profile, engine: &engine)
      where event.type != .resolved && event.kind.band != nil {
        let (metric, direction) = event.kind.band!
        let limit = try #require(profile.bands(for: metric).limit(event.severity, direction))
        #expect(event.limit == limit.threshold, "seed \(seed)")
        // Walk back from the event's reading over the readings of that metric while they stay past the limit.
        let readings = accepted.filter { $0.error == nil && metric.value(in: $0) != nil && $0.ts <= event.at }
        try #require(readings.last?.ts == event.at, "seed \(seed): an event at a reading's time")
        var runStart = event.at
        for reading in readings.reversed() {
          guard direction.isPast(metric.value(in: reading)!, limit.threshold) else { break }
          runStart = reading.ts
        }
        #expect(
          event.at.seconds(since: runStart) >= Double(limit.delaySeconds),
          "seed \(seed): \(event.kind.rawValue) \(event.type.rawValue) at \(event.at) after a run from \(runStart)")
      }
    }
  }

  @Test(
    "one open alert per kind at most, severity only goes warning → critical, everything resolves after settling",
    arguments: profiles)
  func lifecycle(id: String) throws {
    let profile = try #require(BuiltInProfiles.named(id))
    for seed in Self.seeds {
      let trace = RandomTrace(seed: seed, profile: profile)
      var engine = AlertEngine()
      let events = Self.run(trace.samples, profile: profile, engine: &engine)
      var open: [AlertKind: Severity] = [:]
      for event in events {
        switch event.type {
        case .opened:
          #expect(open[event.kind] == nil, "seed \(seed): a second \(event.kind.rawValue) opened at \(event.at)")
          open[event.kind] = event.severity
        case .escalated:
          #expect(open[event.kind] == .warning, "seed \(seed): escalated from \(String(describing: open[event.kind]))")
          #expect(event.severity == .critical)
          open[event.kind] = .critical
        case .resolved:
          #expect(open[event.kind] == event.severity, "seed \(seed): resolved \(event.kind.rawValue) not open as such")
          open[event.kind] = nil
        }
      }
      #expect(open.isEmpty, "seed \(seed): still open after the settling tail: \(open)")
      let state = try #require(engine.sensors[Self.key])
      #expect(state.openAlerts.isEmpty && state.fault.openSince == nil, "seed \(seed)")
    }
  }

  @Test(
    "replaying a trace gives the same events; a restart from JSON state mid-trace changes nothing",
    arguments: profiles)
  func determinismAndRestart(id: String) throws {
    let profile = try #require(BuiltInProfiles.named(id))
    for seed in Self.seeds {
      let trace = RandomTrace(seed: seed, profile: profile)
      var first = AlertEngine()
      let events = Self.run(trace.samples, profile: profile, engine: &first)
      var second = AlertEngine()
      #expect(Self.run(trace.samples, profile: profile, engine: &second) == events, "seed \(seed)")

      var random = SeededGenerator(seed: seed ^ 0xC01D)
      let split = Int.random(in: 1..<trace.samples.count, using: &random)
      var before = AlertEngine()
      var restartedEvents = Self.run(trace.samples[..<split], profile: profile, engine: &before)
      let saved = try JSONEncoder().encode(before.sensors)
      var restarted = AlertEngine(sensors: try JSONDecoder().decode([SensorKey: SensorRuleState].self, from: saved))
      restartedEvents += Self.run(trace.samples[split...], profile: profile, engine: &restarted)
      #expect(restartedEvents == events, "seed \(seed), restart after sample \(split)")
      #expect(restarted.sensors == first.sensors, "seed \(seed)")
    }
  }

  @Test("the traces exercise the rules: alerts of every band kind open, escalate and resolve")
  func tracesAreNotTrivial() {
    var seen: Set<String> = []
    for seed in Self.seeds {
      var engine = AlertEngine()
      let trace = RandomTrace(seed: seed, profile: BuiltInProfiles.litchi)
      for event in Self.run(trace.samples, profile: BuiltInProfiles.litchi, engine: &engine) {
        seen.insert("\(event.kind.rawValue) \(event.type.rawValue)")
      }
    }
    for kind in ["temp_high", "temp_low", "rh_low"] {
      for type in ["opened", "escalated", "resolved"] { #expect(seen.contains("\(kind) \(type)")) }
    }
    #expect(seen.contains("rh_high opened") && seen.contains("sensor_fault opened"))
  }

  /// The samples the engine accepts: each newer than the last accepted one.
  static func accepted(_ samples: [Sample]) -> [Sample] {
    var last: Timestamp?
    return samples.filter { sample in
      if let last, sample.ts <= last { return false }
      last = sample.ts
      return true
    }
  }
}
