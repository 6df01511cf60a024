/// `clock_skew`: an agent's clock runs consistently ahead of or behind the collector's (docs/alert-rules.md, "Clock
/// skew: `clock_skew`"). A warning, one per agent, like `agent_offline`: room `-`, sensor the agent id.
///
/// What it compares is not the samples' `ts` (a backlog re-sent after an outage is legitimately old) but the agent's
/// clock at the moment it published (`sent`, on every payload of `coldtrace-agent`) with the collector's at receipt.
/// One message says little: a message the broker held while the collector was away arrives late. "Consistently" is a
/// run: every message of the agent on the same side of the margin (ahead, behind, or within), for at least
/// `minMessages` messages spanning at least `sustainSeconds` of the collector's clock. A run past the margin opens
/// the alert; a run within it resolves it. A burst delivered at once can never span the sustain time, so a broker's
/// backlog neither opens nor resolves anything. The value reported is the median offset of the run's latest messages.
public struct ClockSkewRule: Sendable, Equatable {
  /// How far the agent's clock may be from the collector's, seconds (`[clock] skew_margin_seconds`).
  public var marginSeconds: Double
  /// How long, on the collector's clock, a run must last to count (`[clock] skew_sustain_seconds`).
  public var sustainSeconds: Double
  /// How many messages a run needs at least.
  public var minMessages: Int

  public init(marginSeconds: Double = 120, sustainSeconds: Double = 300, minMessages: Int = 3) {
    self.marginSeconds = marginSeconds
    self.sustainSeconds = sustainSeconds
    self.minMessages = minMessages
  }

  /// One agent's judgement so far.
  public struct State: Sendable, Equatable {
    /// Whether its `clock_skew` alert is open.
    public var alerting: Bool
    /// The side of the current run: −1 behind, 0 within the margin, +1 ahead.
    public private(set) var side = 0
    /// Collector time of the run's first message.
    public private(set) var runStart: Timestamp?
    public private(set) var runMessages = 0
    /// The offsets (agent minus collector, seconds) of the run's latest messages, oldest first.
    public private(set) var recentOffsets: [Double] = []

    public init(alerting: Bool = false) { self.alerting = alerting }

    static let kept = 15

    mutating func note(offset: Double, side: Int, at received: Timestamp) {
      if side != self.side || runStart == nil {
        self.side = side
        runStart = received
        runMessages = 0
        recentOffsets = []
      }
      runMessages += 1
      recentOffsets.append(offset)
      if recentOffsets.count > Self.kept { recentOffsets.removeFirst() }
    }

    /// The median of `recentOffsets`.
    public var medianOffset: Double {
      let sorted = recentOffsets.sorted()
      guard !sorted.isEmpty else { return 0 }
      let middle = sorted.count / 2
      return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
  }

  /// The alert key of an agent: its site, no room (`-`), the agent id in place of a sensor.
  public static func key(site: String, agent: String) -> SensorKey { SensorKey(site: site, room: "-", sensor: agent) }

  /// Judges one message of `agent` that its clock says was sent at `sent` and the collector received at `received`;
  /// returns the event it calls for, if any, and updates `state`.
  public func observe(site: String, agent: String, sent: Timestamp, received: Timestamp, state: inout State)
    -> AlertEvent?
  {
    let offset = Double(sent.milliseconds - received.milliseconds) / 1000
    let side = offset > marginSeconds ? 1 : offset < -marginSeconds ? -1 : 0
    state.note(offset: offset, side: side, at: received)
    guard let start = state.runStart, state.runMessages >= minMessages,
      received.seconds(since: start) >= sustainSeconds, state.alerting == (side == 0)
    else { return nil }
    state.alerting = side != 0
    let median = state.medianOffset
    let key = Self.key(site: site, agent: agent)
    if side == 0 {
      return AlertEvent(
        type: .resolved, key: key, kind: .clockSkew, severity: .warning, productID: "-", at: received,
        limit: marginSeconds, value: median.rounded(), peak: nil,
        message: "the clock of agent \(agent) agrees with the collector's again (\(Self.describe(median)) "
          + "\(median >= 0 ? "ahead" : "behind"), within \(Int(marginSeconds)) s)")
    }
    return AlertEvent(
      type: .opened, key: key, kind: .clockSkew, severity: .warning, productID: "-", at: received,
      limit: marginSeconds, value: median.rounded(), peak: nil,
      message: "the clock of agent \(agent) (site \(site)) is \(Self.describe(median)) "
        + "\(side > 0 ? "ahead of" : "behind") the collector's (median of its last \(state.recentOffsets.count) "
        + "messages, margin \(Int(marginSeconds)) s): its readings are stamped with that clock; check the box's time "
        + "synchronisation (timedatectl, NTP)")
  }

  /// A length of time for a reader: `3 h 0 min`, `12 min 5 s`, `42 s`.
  public static func describe(_ seconds: Double) -> String {
    let whole = Int(abs(seconds).rounded())
    if whole >= 3600 { return "\(whole / 3600) h \(whole % 3600 / 60) min" }
    if whole >= 60 { return "\(whole / 60) min \(whole % 60) s" }
    return "\(whole) s"
  }
}
