/// What ColdTrace knows of one room's defrosts and door openings, as a pure state in event time
/// (docs/alert-rules.md, "Defrost and doors"): the spans its inputs, its evaporator probes and its schedule showed,
/// kept for `historyMs` so that a probe sample that arrives a little after the signals is still judged at its own
/// time, and the alerts the spans raised (`door_open`, `defrost_overrun`).
///
/// The collector keeps one per room that has ever had a signal, saves it in the transaction of the samples that
/// changed it and loads it at start; rooms without one cost a dictionary lookup.
public struct RoomConditions: Sendable, Codable, Equatable {
  /// One span as tracked: the span, the collector's number for it, and the alert it raised while that is open.
  public struct Tracked: Sendable, Codable, Equatable {
    public var span: RoomSpan
    /// Given by the state, unique in the room, so the collector can tie the span to the row it stored.
    public var number: Int64
    /// The `room_spans` row the collector stored it as.
    public var row: Int64?
    /// The severity of the `door_open` or `defrost_overrun` alert this span raised, while it is open.
    public var alerted: Severity?
  }

  /// Recent spans, oldest first; open ones are kept whatever their age.
  public private(set) var spans: [Tracked] = []
  /// Per input or evaporator probe (sensor id): the newest sample time processed; older ones are ignored.
  public private(set) var lastTs: [String: Timestamp] = [:]
  /// The start of the latest scheduled defrost recorded as a span.
  public private(set) var scheduledThrough: Timestamp?
  /// Per defrost input (sensor id): its first and newest sample carrying `defrost`, to tell when it reports
  /// (`defrostInputReports(at:)`); `nil` in a state saved before inputs were tracked.
  public private(set) var defrostInputs: [String: DefrostInputReport]?
  private var nextNumber: Int64 = 1

  /// How long a closed span stays for lookups after it ended: 48 h, far beyond the few minutes by which samples of
  /// different sensors of one room arrive out of step, and beyond an agent's outbox catching up after a day offline.
  public static let historyMs: Int64 = 48 * 3_600_000
  /// At most this many closed spans are kept (a flapping input cannot grow the state without bound).
  public static let maxClosedSpans = 256

  public init() {}

  /// The room's span of `signal` still open, if any (the newest).
  public func open(_ signal: RoomSignal) -> RoomSpan? {
    spans.last { $0.span.signal == signal && $0.span.end == nil }?.span
  }

  /// Applies an input's sample (`defrost` and/or `doorOpen`) read by the input `key`; returns the spans that began or
  /// ended and the alert events, in order. A sample at or before the input's newest is ignored.
  public mutating func process(
    input sample: Sample, key: SensorKey, productID: String, settings: RoomConditionSettings
  ) -> [RoomConditionEvent] {
    guard accept(sample.ts, from: key.sensor) else { return [] }
    var events: [RoomConditionEvent] = []
    if sample.defrost != nil {
      let first = defrostInputs?[key.sensor]?.first ?? sample.ts
      defrostInputs = (defrostInputs ?? [:]).merging([key.sensor: DefrostInputReport(first: first, last: sample.ts)]) {
        $1
      }
    }
    if let defrost = sample.defrost {
      events += turn(.defrost, on: defrost, source: .input, at: sample.ts, key: key, productID: productID)
    }
    if let door = sample.doorOpen {
      events += turn(.door, on: door, source: .input, at: sample.ts, key: key, productID: productID)
    }
    events += checkMaximums(at: sample.ts, key: key, productID: productID, settings: settings)
    prune()
    return events
  }

  /// Applies an evaporator probe's temperature: a coil warming past `evaporatorDefrostAboveC` starts a defrost, one
  /// cooling below `evaporatorDefrostBelowC` ends it (between the two nothing changes).
  public mutating func process(
    evaporator sample: Sample, key: SensorKey, productID: String, settings: RoomConditionSettings
  ) -> [RoomConditionEvent] {
    guard let value = sample.tempC, value.isFinite, sample.error == nil, accept(sample.ts, from: key.sensor) else {
      return []
    }
    var events: [RoomConditionEvent] = []
    let defrosting = spans.contains { $0.span.sensor == key.sensor && $0.span.end == nil }
    if !defrosting, value > settings.evaporatorDefrostAboveC {
      events += turn(.defrost, on: true, source: .evaporator, at: sample.ts, key: key, productID: productID)
    } else if defrosting, value < settings.evaporatorDefrostBelowC {
      events += turn(.defrost, on: false, source: .evaporator, at: sample.ts, key: key, productID: productID)
    }
    events += checkMaximums(at: sample.ts, key: key, productID: productID, settings: settings)
    prune()
    return events
  }

  /// Records the scheduled defrosts that started after the last recorded one, up to `ts` (the newest sample of the
  /// room): each is one closed span, whole, from the moment it starts. The first call records none that ended
  /// before `earliest` (the oldest sample it is given), so a collector given a schedule today does not write the
  /// room's whole past.
  public mutating func recordSchedule(
    _ schedule: DefrostSchedule, from earliest: Timestamp? = nil, through ts: Timestamp
  ) -> [RoomConditionEvent] {
    let from = scheduledThrough.map { $0.adding(seconds: 0.001) } ?? min(earliest ?? ts, ts)
    guard ts >= from else { return [] }
    var events: [RoomConditionEvent] = []
    for (start, end) in schedule.spans(from: from, to: ts) where start <= ts {
      if let through = scheduledThrough, start <= through { continue }
      // A defrost input that reports is the truth: a slot of the schedule it did not confirm is no defrost.
      if defrostInputReports(at: start) {
        scheduledThrough = start
        continue
      }
      let span = RoomSpan(signal: .defrost, source: .schedule, sensor: nil, start: start, end: end)
      events.append(.began(span, number: append(span)))
      scheduledThrough = start
    }
    prune()
    return events
  }

  /// Ends the spans `sensor` left open at `at` (its start, if later), with no alert (the retirement resolved them),
  /// and forgets it as a defrost input: a retired input or evaporator probe holds its room paused no longer.
  public mutating func retire(sensor: String, at: Timestamp) {
    for index in spans.indices where spans[index].span.sensor == sensor && spans[index].span.end == nil {
      spans[index].span.end = max(at, spans[index].span.start)
      spans[index].alerted = nil
    }
    if defrostInputs?[sensor] != nil { defrostInputs?[sensor] = nil }
  }

  /// Ties span `number` to the row the collector stored it as.
  public mutating func setRow(_ row: Int64, ofSpan number: Int64) {
    guard let index = spans.firstIndex(where: { $0.number == number }) else { return }
    spans[index].row = row
  }

  private mutating func accept(_ ts: Timestamp, from sensor: String) -> Bool {
    if let last = lastTs[sensor], ts <= last { return false }
    lastTs[sensor] = ts
    return true
  }

  private mutating func append(_ span: RoomSpan) -> Int64 {
    let number = nextNumber
    nextNumber += 1
    spans.append(Tracked(span: span, number: number, row: nil, alerted: nil))
    return number
  }

  /// Opens a span of `signal` for `key`'s sensor when `on` and none is open, closes the open one when not.
  private mutating func turn(
    _ signal: RoomSignal, on: Bool, source: RoomSpanSource, at ts: Timestamp, key: SensorKey, productID: String
  ) -> [RoomConditionEvent] {
    let index = spans.lastIndex { $0.span.signal == signal && $0.span.sensor == key.sensor && $0.span.end == nil }
    switch (on, index) {
    case (true, nil):
      let span = RoomSpan(signal: signal, source: source, sensor: key.sensor, start: ts, end: nil)
      return [.began(span, number: append(span))]
    case (false, let index?):
      spans[index].span.end = ts
      var events: [RoomConditionEvent] = [.ended(spans[index].span, row: spans[index].row)]
      if let severity = spans[index].alerted {
        spans[index].alerted = nil
        events.append(
          .alert(ConditionAlertText.resolved(spans[index].span, severity: severity, key: key, productID: productID)))
      }
      return events
    default:
      return []
    }
  }

  /// Raises `defrost_overrun` for a defrost of `key`'s sensor open past its maximum, `door_open` (warning, then
  /// critical) for a door open past its thresholds.
  private mutating func checkMaximums(
    at ts: Timestamp, key: SensorKey, productID: String, settings: RoomConditionSettings
  ) -> [RoomConditionEvent] {
    var events: [RoomConditionEvent] = []
    for index in spans.indices where spans[index].span.sensor == key.sensor && spans[index].span.end == nil {
      let span = spans[index].span
      let openMs = ts.milliseconds - span.start.milliseconds
      let reached: Severity?
      switch span.signal {
      case .defrost: reached = openMs > settings.defrostMaxMs ? .warning : nil
      case .door:
        reached =
          openMs >= RoomConditionSettings.ms(settings.doorCriticalMinutes)
          ? .critical : openMs >= RoomConditionSettings.ms(settings.doorWarningMinutes) ? .warning : nil
      }
      guard let reached else { continue }
      if let alerted = spans[index].alerted, reached <= alerted { continue }
      let type: AlertEventType = spans[index].alerted == nil ? .opened : .escalated
      spans[index].alerted = reached
      events.append(
        .alert(
          ConditionAlertText.raised(
            span, type: type, severity: reached, at: ts, key: key, productID: productID, settings: settings)))
    }
    return events
  }

  /// Forgets closed spans that ended more than `historyMs` before the newest signal, and the oldest closed ones past
  /// `maxClosedSpans`.
  private mutating func prune() {
    let newest = max(lastTs.values.max()?.milliseconds ?? Int64.min, scheduledThrough?.milliseconds ?? Int64.min)
    spans.removeAll { tracked in
      guard let end = tracked.span.end else { return false }
      return end.milliseconds < newest - Self.historyMs
    }
    var closed = spans.count { $0.span.end != nil }
    while closed > Self.maxClosedSpans, let oldest = spans.firstIndex(where: { $0.span.end != nil }) {
      spans.remove(at: oldest)
      closed -= 1
    }
  }
}

/// What a change of a room's conditions asks of the collector: store a span that began, close one that ended,
/// record an alert event.
public enum RoomConditionEvent: Sendable, Equatable {
  /// A span began (a scheduled one is already closed): store it, then `setRow(_:ofSpan:)` with `number`.
  case began(RoomSpan, number: Int64)
  /// A span ended: close its row.
  case ended(RoomSpan, row: Int64?)
  case alert(AlertEvent)
}
