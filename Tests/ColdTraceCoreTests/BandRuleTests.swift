import Testing

@testable import ColdTraceCore

@Suite("One band rule, reading by reading")
struct BandRuleTests {
  static let key = EngineFixtures.door
  static let start = EngineFixtures.start

  /// Temperature, high side: warning above 5 °C after 45 min, critical above 8 °C after 10 min, 0.5 °C hysteresis.
  static let high = BandRule(metric: .temperature, direction: .high, bands: BuiltInProfiles.litchi.temperature)

  /// Feeds `value` at `start + milliseconds` to `rule`.
  static func feed(
    _ rule: BandRule, _ value: Double, atMs milliseconds: Int64, _ state: inout BandState
  ) -> AlertEvent? {
    rule.evaluate(
      value, at: Timestamp(milliseconds: start.milliseconds + milliseconds), state: &state, key: key,
      productID: "litchi")
  }

  static let minute: Int64 = 60_000

  @Test("the condition holds at exactly the delay, measured from the first reading past the limit")
  func holdsExactlyAtDelay() {
    var state = BandState()
    #expect(Self.feed(Self.high, 6, atMs: 0, &state) == nil)
    #expect(state.warningRunStart == Self.start)
    #expect(state.criticalRunStart == nil, "6 °C is not past the 8 °C critical limit")
    #expect(Self.feed(Self.high, 6, atMs: 45 * Self.minute - 1, &state) == nil)
    let event = Self.feed(Self.high, 6, atMs: 45 * Self.minute, &state)
    #expect(event?.type == .opened)
    #expect(event?.severity == .warning)
    #expect(event?.at == Timestamp(milliseconds: Self.start.milliseconds + 45 * Self.minute))
  }

  @Test("a value equal to the threshold is inside; just past it starts a run")
  func thresholdIsInside() {
    var state = BandState()
    #expect(Self.feed(Self.high, 5, atMs: 0, &state) == nil)
    #expect(state == BandState())
    #expect(Self.feed(Self.high, 5.01, atMs: Self.minute, &state) == nil)
    #expect(state.warningRunStart == Timestamp(milliseconds: Self.start.milliseconds + Self.minute))
  }

  @Test("a reading back inside ends the run; the delay then counts afresh")
  func insideReadingRestartsDelay() {
    var state = BandState()
    _ = Self.feed(Self.high, 6, atMs: 0, &state)
    _ = Self.feed(Self.high, 4.9, atMs: 10 * Self.minute, &state)
    #expect(state.warningRunStart == nil)
    #expect(Self.feed(Self.high, 6, atMs: 11 * Self.minute, &state) == nil)
    #expect(Self.feed(Self.high, 6, atMs: 55 * Self.minute, &state) == nil, "45 min since minute 0, but not since 11")
    #expect(Self.feed(Self.high, 6, atMs: 56 * Self.minute, &state)?.type == .opened)
  }

  @Test("the dead band keeps an alert open; the hysteresis line itself resolves")
  func deadBandKeepsAlertOpen() {
    var state = BandState(open: OpenAlert(severity: .warning, openedAt: Self.start, peak: 7))
    for step in 1...30 {
      #expect(Self.feed(Self.high, 4.51, atMs: Int64(step) * Self.minute, &state) == nil)
    }
    #expect(state.open?.peak == 7, "dead-band values are not worse than the peak")
    let event = Self.feed(Self.high, 4.5, atMs: 31 * Self.minute, &state)
    #expect(event?.type == .resolved)
    #expect(event?.limit == 5)
    #expect(event?.peak == 7)
    #expect(state == BandState())
  }

  @Test("a dead-band reading between excursions does not reopen the alert after it comes back past the limit")
  func deadBandThenBackOutNeedsNoNewAlert() {
    var state = BandState(open: OpenAlert(severity: .warning, openedAt: Self.start, peak: 7))
    #expect(Self.feed(Self.high, 4.8, atMs: Self.minute, &state) == nil)
    #expect(Self.feed(Self.high, 7, atMs: 2 * Self.minute, &state) == nil)
    #expect(state.open?.openedAt == Self.start)
  }

  @Test("severity never goes down while the alert is open")
  func severityNeverDrops() {
    var state = BandState(open: OpenAlert(severity: .critical, openedAt: Self.start, peak: 11))
    for step in 1...120 {
      #expect(Self.feed(Self.high, 6, atMs: Int64(step) * Self.minute, &state) == nil)
    }
    #expect(state.open?.severity == .critical)
    #expect(Self.feed(Self.high, 4, atMs: 121 * Self.minute, &state)?.severity == .critical)
  }

  @Test("escalation needs a continuous critical run: dipping below 8 °C restarts its delay")
  func criticalRunRestarts() {
    var state = BandState(
      warningRunStart: Self.start, open: OpenAlert(severity: .warning, openedAt: Self.start, peak: 7))
    for step in 1...5 { _ = Self.feed(Self.high, 9, atMs: Int64(step) * Self.minute, &state) }
    #expect(Self.feed(Self.high, 7.5, atMs: 6 * Self.minute, &state) == nil)
    #expect(state.criticalRunStart == nil)
    for step in 7...16 {
      #expect(Self.feed(Self.high, 9, atMs: Int64(step) * Self.minute, &state) == nil)
    }
    let event = Self.feed(Self.high, 9, atMs: 17 * Self.minute, &state)
    #expect(event?.type == .escalated)
    #expect(event?.limit == 8)
    #expect(event?.peak == 9)
  }

  @Test("when both levels hold at the same reading the alert opens critical, with no warning first")
  func bothLevelsHoldTogether() {
    var state = BandState()
    #expect(Self.feed(Self.high, 12, atMs: 0, &state) == nil)
    let event = Self.feed(Self.high, 12, atMs: 20 * Self.minute, &state)
    #expect(event?.type == .opened)
    #expect(event?.severity == .critical)
    #expect(event?.limit == 8)
    #expect(state.open?.severity == .critical)
    #expect(Self.feed(Self.high, 12, atMs: 21 * Self.minute, &state) == nil, "nothing left to escalate")
  }

  @Test("a zero delay alarms on the first reading past the limit")
  func zeroDelay() {
    let rule = BandRule(
      metric: .temperature, direction: .high,
      bands: MetricBands(warningHigh: .past(5, afterMinutes: 0), hysteresis: 0))
    var state = BandState()
    let event = Self.feed(rule, 5.1, atMs: 0, &state)
    #expect(event?.type == .opened)
    #expect(event?.message == "temperature 5.1 °C above 5 °C for 0 s (litchi, warning)")
    let resolved = Self.feed(rule, 5, atMs: Self.minute, &state)
    #expect(resolved?.message == "temperature back to 5 °C, inside 5 °C after 1 min (litchi, peak 5.1 °C)")
  }

  @Test("a side with only a critical limit opens critical and clears against that limit")
  func criticalOnlySide() {
    let rule = BandRule(
      metric: .humidity, direction: .low, bands: MetricBands(criticalLow: .past(60, afterMinutes: 5), hysteresis: 3))
    var state = BandState()
    _ = Self.feed(rule, 55, atMs: 0, &state)
    let opened = Self.feed(rule, 50, atMs: 5 * Self.minute, &state)
    #expect(opened?.type == .opened)
    #expect(opened?.severity == .critical)
    #expect(opened?.kind == .rhLow)
    #expect(Self.feed(rule, 62, atMs: 6 * Self.minute, &state) == nil)
    let resolved = Self.feed(rule, 63, atMs: 7 * Self.minute, &state)
    #expect(resolved?.type == .resolved)
    #expect(resolved?.limit == 60)
    #expect(resolved?.peak == 50)
  }

  @Test("a gap in the data does not end a run: the next reading still past the limit continues it")
  func runSpansDataGap() {
    var state = BandState()
    _ = Self.feed(Self.high, 6, atMs: 0, &state)
    let event = Self.feed(Self.high, 6, atMs: 65 * Self.minute, &state)
    #expect(event?.type == .opened)
    #expect(event?.message == "temperature 6 °C above 5 °C for 1 h 5 min (litchi, warning)")
  }

  @Test("an open alert closes when the profile in force no longer limits that side")
  func removedLimitClosesAlert() {
    let rule = BandRule(metric: .temperature, direction: .high, bands: .unwatched)
    var state = BandState(
      criticalRunStart: Self.start, open: OpenAlert(severity: .critical, openedAt: Self.start, peak: 9))
    let event = Self.feed(rule, 9, atMs: 2 * 60 * Self.minute, &state)
    #expect(event?.type == .resolved)
    #expect(event?.limit == nil)
    #expect(
      event?.message == "temperature alert closed: litchi no longer sets a high limit, after 2 h (litchi, peak 9 °C)")
    #expect(state == BandState())
  }

  @Test("numbers and durations read naturally in messages")
  func operatorText() {
    #expect(OperatorText.number(7.4) == "7.4")
    #expect(OperatorText.number(5) == "5")
    #expect(OperatorText.number(-0.5) == "-0.5")
    #expect(OperatorText.number(-0.001) == "0")
    #expect(OperatorText.number(0.99) == "0.99")
    #expect(OperatorText.number(4.0625) == "4.06")
    #expect(OperatorText.number(12.05) == "12.05")
    #expect(OperatorText.duration(milliseconds: 40_000) == "40 s")
    #expect(OperatorText.duration(milliseconds: 42 * 60_000) == "42 min")
    #expect(OperatorText.duration(milliseconds: 125 * 60_000) == "2 h 5 min")
    #expect(OperatorText.duration(milliseconds: 76 * 3_600_000) == "3 d 4 h")
  }
}
