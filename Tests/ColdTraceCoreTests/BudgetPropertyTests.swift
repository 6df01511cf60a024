import Foundation
import Testing

@testable import ColdTraceCore

/// Property-style checks of the per-lot rules over random traces from a seeded generator: several probes, random
/// values around the band, gaps, duplicates and readings out of order. Whatever the trace: budgets never decrease,
/// never exceed the event time the trace spans, open their alert at most once per metric, and the treatment clock's
/// restarts and completion behave.
@Suite("Per-lot rules over random traces", .timeLimit(.minutes(10)))
struct BudgetPropertyTests {
  /// SplitMix64: a small, fast, seedable generator, so a failing seed can be replayed.
  struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  /// A random trace: per step one probe reads, usually a little after its last reading, sometimes after a long gap,
  /// sometimes a replay of an older time.
  static func trace(seed: UInt64, steps: Int) -> [(probe: String, sample: Sample)] {
    var random = SeededGenerator(state: seed)
    let probes = (0..<Int.random(in: 1...3, using: &random)).map { "p\($0)" }
    var clocks = Dictionary(uniqueKeysWithValues: probes.map { ($0, LotFixtures.start.milliseconds) })
    var trace: [(String, Sample)] = []
    for _ in 0..<steps {
      let probe = probes.randomElement(using: &random)!
      var ts = clocks[probe]!
      switch Int.random(in: 0..<20, using: &random) {
      case 0: ts += Int64.random(in: 1...6, using: &random) * 3_600_000
      case 1: ts -= Int64.random(in: 0...600, using: &random) * 1000
      default: ts += Int64.random(in: 10...300, using: &random) * 1000
      }
      clocks[probe] = max(clocks[probe]!, ts)
      let tempC = Double.random(in: -2...9, using: &random)
      let rhPct = Bool.random(using: &random) ? Double.random(in: 75...100, using: &random) : nil
      let error = Int.random(in: 0..<50, using: &random) == 0 ? "CRC failed" : nil
      trace.append(
        (probe, Sample(seq: nil, ts: Timestamp(milliseconds: ts), tempC: tempC, rhPct: rhPct, error: error)))
    }
    return trace
  }

  @Test(arguments: 1...40 as ClosedRange<UInt64>)
  func budgetsNeverDecrease(seed: UInt64) {
    var profile = LotFixtures.treatment(days: 0.1)
    profile.budget = ExcursionBudget(temperatureMinutes: 90, humidityMinutes: 60)
    var state = LotRuleState()
    var opened: [String] = []
    var completions = 0
    var earliest = Int64.max
    var latest = Int64.min
    for (probe, sample) in Self.trace(seed: seed, steps: 600) {
      let before = state
      earliest = min(earliest, sample.ts.milliseconds)
      latest = max(latest, sample.ts.milliseconds)
      let events = LotEngine.process(
        sample, key: LotFixtures.probe(probe), lot: LotFixtures.lot, profile: profile, state: &state)
      for metric in Metric.allCases {
        #expect(state[budget: metric].usedMs >= before[budget: metric].usedMs, "seed \(seed)")
        #expect(state[budget: metric].usedMs <= latest - earliest, "seed \(seed): more time than the trace spans")
        if before[budget: metric].exhaustedAt != nil {
          #expect(state[budget: metric].exhaustedAt == before[budget: metric].exhaustedAt, "seed \(seed)")
        }
      }
      #expect(state.treatment.restarts >= before.treatment.restarts)
      for event in events {
        switch event {
        case .alert(let alert) where alert.kind == .budget: opened.append(alert.key.sensor)
        case .alert(let alert):
          #expect(alert.kind == .treatment)
          #expect(before.treatment.completedAt == nil, "seed \(seed): no treatment alert after completion")
        case .treatmentCompleted(let done):
          completions += 1
          #expect(done.completedAt.seconds(since: done.clockStart) >= 0.1 * 86_400)
        }
      }
    }
    #expect(Set(opened).count == opened.count, "seed \(seed): a budget alert opened twice: \(opened)")
    #expect(completions <= 1, "seed \(seed)")
    for metric in Metric.allCases {
      let budget = state[budget: metric]
      let minutes = profile.budget!.minutes(for: metric)!
      #expect((budget.exhaustedAt != nil) == (budget.usedMinutes >= minutes), "seed \(seed)")
    }
  }

  @Test(arguments: 1...20 as ClosedRange<UInt64>)
  func savedAndRestoredStateContinuesIdentically(seed: UInt64) throws {
    let profile = LotFixtures.litchi(budgetMinutes: 45)
    let trace = Self.trace(seed: seed, steps: 300)
    var straight = LotRuleState()
    var straightEvents: [LotEvent] = []
    for (probe, sample) in trace {
      straightEvents += LotEngine.process(
        sample, key: LotFixtures.probe(probe), lot: LotFixtures.lot, profile: profile, state: &straight)
    }
    var resumed = LotRuleState()
    var resumedEvents: [LotEvent] = []
    for (index, (probe, sample)) in trace.enumerated() {
      if index % 37 == 0 { resumed = try JSONDecoder().decode(LotRuleState.self, from: JSONEncoder().encode(resumed)) }
      resumedEvents += LotEngine.process(
        sample, key: LotFixtures.probe(probe), lot: LotFixtures.lot, profile: profile, state: &resumed)
    }
    #expect(resumed == straight)
    #expect(resumedEvents == straightEvents)
  }
}
