import Testing

@testable import ColdTraceCore

/// The `clock_skew` judge in collector time: messages are (agent's `sent`, collector's receipt) pairs.
struct ClockSkewRuleTests {
  private let t0 = Timestamp(seconds: 1_780_000_000)
  private let rule = ClockSkewRule(marginSeconds: 120, sustainSeconds: 300)

  /// Feeds one message every `every` seconds from `start` for `count` messages, the agent's clock `offset` seconds
  /// off; returns the events.
  private func feed(
    _ state: inout ClockSkewRule.State, offset: Double, from start: Double, every: Double, count: Int
  ) -> [AlertEvent] {
    (0..<count).compactMap { index in
      let received = t0.adding(seconds: start + Double(index) * every)
      return rule.observe(
        site: "hx", agent: "edge-1", sent: received.adding(seconds: offset), received: received, state: &state)
    }
  }

  @Test func aClockHoursBehindOpensOnceTheRunLastsTheSustainTime() {
    var state = ClockSkewRule.State()
    // 3 h behind, one message a minute: the run starts at 0 and lasts 300 s at the sixth message.
    let events = feed(&state, offset: -10_800, from: 0, every: 60, count: 10)
    #expect(events.count == 1)
    let opened = events[0]
    #expect(opened.type == .opened && opened.kind == .clockSkew && opened.severity == .warning)
    #expect(opened.key == SensorKey(site: "hx", room: "-", sensor: "edge-1"))
    #expect(opened.at == t0.adding(seconds: 300))
    #expect(opened.value == -10_800 && opened.limit == 120)
    #expect(opened.message.contains("3 h 0 min behind"))
    #expect(state.alerting)
  }

  @Test func aClockAheadOpensToo() {
    var state = ClockSkewRule.State()
    let events = feed(&state, offset: 600, from: 0, every: 30, count: 11)
    #expect(events.map(\.type) == [.opened])
    #expect(events.first?.message.contains("10 min 0 s ahead of") == true)
  }

  @Test func aBrokerBacklogDeliveredAtOnceOpensNothing() {
    var state = ClockSkewRule.State()
    // 200 queued messages, up to an hour old, delivered within 2 s; then live ones that agree.
    var events = (0..<200).compactMap { index -> AlertEvent? in
      let received = t0.adding(seconds: Double(index) / 100)
      let sent = t0.adding(seconds: -3600 + Double(index) * 18)
      return rule.observe(site: "hx", agent: "edge-1", sent: sent, received: received, state: &state)
    }
    events += feed(&state, offset: 0.2, from: 3, every: 60, count: 20)
    #expect(events.isEmpty)
    #expect(!state.alerting)
  }

  @Test func oneAgreeingMessageStartsTheRunAgain() {
    var state = ClockSkewRule.State()
    #expect(feed(&state, offset: -7200, from: 0, every: 60, count: 4).isEmpty)  // 0…180 s
    #expect(feed(&state, offset: 1, from: 240, every: 60, count: 1).isEmpty)  // agrees: the run ends
    #expect(feed(&state, offset: -7200, from: 300, every: 60, count: 5).isEmpty)  // 300…540 s: 240 s only
    #expect(feed(&state, offset: -7200, from: 600, every: 60, count: 1).map(\.type) == [.opened])
  }

  @Test func itResolvesOnceTheClockAgreesForTheSustainTime() {
    var state = ClockSkewRule.State()
    #expect(feed(&state, offset: -10_800, from: 0, every: 60, count: 6).map(\.type) == [.opened])
    // Back within the margin (90 s ahead is within 120 s): resolved after 300 s of agreement, not before.
    let events = feed(&state, offset: 90, from: 360, every: 60, count: 6)
    #expect(events.map(\.type) == [.resolved])
    #expect(events.first?.at == t0.adding(seconds: 660) && events.first?.value == 90)
    #expect(!state.alerting)
    #expect(feed(&state, offset: 0, from: 720, every: 60, count: 10).isEmpty)
  }

  @Test func fewerMessagesThanTheMinimumDoNotCount() {
    var state = ClockSkewRule.State()
    // Two messages 10 min apart: long enough, but only two.
    #expect(feed(&state, offset: -10_800, from: 0, every: 600, count: 2).isEmpty)
    #expect(feed(&state, offset: -10_800, from: 1200, every: 600, count: 1).map(\.type) == [.opened])
  }

  @Test func theMedianIgnoresAnOddLateMessage() {
    var state = ClockSkewRule.State()
    let offsets: [Double] = [-3600, -3600, -9000, -3599, -3600, -3601]
    var events: [AlertEvent] = []
    for (index, offset) in offsets.enumerated() {
      let received = t0.adding(seconds: Double(index) * 60)
      if let event = rule.observe(
        site: "hx", agent: "edge-1", sent: received.adding(seconds: offset), received: received, state: &state)
      {
        events.append(event)
      }
    }
    #expect(events.first?.value == -3600)
  }

  @Test func lengthsReadWell() {
    #expect(ClockSkewRule.describe(-10_800) == "3 h 0 min")
    #expect(ClockSkewRule.describe(725) == "12 min 5 s")
    #expect(ClockSkewRule.describe(42.4) == "42 s")
  }
}
