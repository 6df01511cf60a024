import ColdTraceCore

/// When the agent takes its samples, in event time.
///
/// Live, sample `n` is due at `start + n × interval`. A simulated facility can start in the past and play back
/// `speed` times faster until it has caught up with the wall clock, then continue live: the demo shows an hour of a
/// cold room in seconds, and every timestamp stays a real past time the collector accepts.
public struct SamplingClock: Sendable {
  public let realStart: Timestamp
  public let eventStart: Timestamp
  public let interval: Double
  public let speed: Double

  public init(realStart: Timestamp, catchUpFromSecondsAgo: Double, interval: Double, speed: Double) {
    self.realStart = realStart
    self.eventStart = realStart.adding(seconds: -catchUpFromSecondsAgo)
    self.interval = interval
    self.speed = catchUpFromSecondsAgo > 0 ? max(speed, 1) : 1
  }

  /// Lockstep with a simulator (`run --start --speed --anchor`): event time `eventStart` is played at the wall-clock
  /// instant `anchor`, then `speed` seconds of event time per second, exactly as `coldtrace-sim run` does with the
  /// same three values, so both see the same event time at the same moment.
  public init(anchor: Timestamp, eventStart: Timestamp, interval: Double, speed: Double) {
    self.realStart = anchor
    self.eventStart = eventStart
    self.interval = interval
    self.speed = max(speed, 1)
  }

  /// Event time of sample `index` (0-based).
  public func eventTime(ofSample index: Int) -> Timestamp {
    eventStart.adding(seconds: Double(index) * interval)
  }

  /// The real time at which sample `index` is due: while playing back, when the fast clock reaches it; once caught
  /// up, when the wall clock does. Never before its own event time, so no sample is stamped in the future.
  public func realTime(ofSample index: Int) -> Timestamp {
    let event = eventTime(ofSample: index)
    let playback = realStart.adding(seconds: event.seconds(since: eventStart) / speed)
    return max(playback, event)
  }

  /// The event time at real time `now`: where the fast clock is while playing back (never before the start), the wall
  /// clock once caught up. Room inputs read between two samples are stamped with it.
  public func eventTime(atReal now: Timestamp) -> Timestamp {
    let playback = eventStart.adding(seconds: max(0, now.seconds(since: realStart)) * speed)
    return min(playback, max(now, eventStart))
  }
}
