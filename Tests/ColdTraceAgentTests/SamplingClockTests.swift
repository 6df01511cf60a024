import ColdTraceCore
import Testing

@testable import ColdTraceAgent

/// When the agent takes each sample: live, or playing back the past faster until caught up with the wall clock.
@Suite("Sampling clock")
struct SamplingClockTests {
  static let now = Timestamp.parseRFC3339("2026-06-12T08:00:00Z")!

  @Test("live: sample n is due at its event time, start + n × interval, whatever speed is configured")
  func liveSamplesAreDueAtTheirEventTime() {
    for speed in [1.0, 600] {
      let clock = SamplingClock(realStart: Self.now, catchUpFromSecondsAgo: 0, interval: 30, speed: speed)
      #expect(clock.eventStart == Self.now)
      for index in [0, 1, 2, 119, 120, 10_000] {
        let expected = Self.now.adding(seconds: Double(index) * 30)
        #expect(clock.eventTime(ofSample: index) == expected)
        #expect(clock.realTime(ofSample: index) == expected, "speed \(speed), sample \(index)")
      }
    }
  }

  /// Sixty minutes ago at 600×, one sample every 30 s: the fast clock covers 30 s of event time in 0.05 s of real
  /// time, and reaches the wall clock after sample 120 (3600 s of events in 6 s, while the wall clock moved 6 s).
  @Test("playback at 600× from 60 min ago: due every 0.05 s, never before event time, then live once caught up")
  func playbackCatchesUpThenRunsLive() {
    let clock = SamplingClock(realStart: Self.now, catchUpFromSecondsAgo: 3600, interval: 30, speed: 600)
    #expect(clock.eventStart == Self.now.adding(seconds: -3600))
    #expect(clock.eventTime(ofSample: 0) == clock.eventStart)
    #expect(clock.realTime(ofSample: 0) == Self.now, "the first sample is due at once")

    for index in 0..<400 {
      let due = clock.realTime(ofSample: index)
      let event = clock.eventTime(ofSample: index)
      #expect(due >= event, "sample \(index) would be stamped in the future")
      #expect(event == clock.eventStart.adding(seconds: Double(index) * 30))
      if index <= 120 {
        #expect(due == Self.now.adding(seconds: Double(index) * 0.05), "sample \(index) in playback")
      } else {
        #expect(due == event, "sample \(index) after catching up")
      }
    }
    for index in 1..<120 {
      #expect(clock.realTime(ofSample: index).seconds(since: clock.realTime(ofSample: index - 1)) == 0.05)
    }
    // Catching up: sample 120 is the last played back (its event time is now, its due time 6 s later), and the
    // next ones are spaced by the interval again.
    #expect(clock.eventTime(ofSample: 120) == Self.now)
    #expect(clock.realTime(ofSample: 121).seconds(since: clock.realTime(ofSample: 120)) == 24)
    #expect(clock.realTime(ofSample: 122).seconds(since: clock.realTime(ofSample: 121)) == 30)
  }

  @Test("due times never go backwards, in playback or live")
  func dueTimesAreMonotonic() {
    for (ago, speed) in [(0.0, 1.0), (3600, 600), (600, 7), (86_400, 100_000)] {
      let clock = SamplingClock(realStart: Self.now, catchUpFromSecondsAgo: ago, interval: 30, speed: speed)
      let due = (0..<3000).map(clock.realTime(ofSample:))
      #expect(zip(due, due.dropFirst()).allSatisfy { $0 <= $1 }, "catch up \(ago) s at \(speed)×")
    }
  }

  @Test("lockstep: event time at a real instant follows the anchor and the speed, never before the start")
  func lockstepClock() {
    let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
    let anchor = Timestamp.parseRFC3339("2026-12-07T06:00:00Z")!
    let clock = SamplingClock(anchor: anchor, eventStart: start, interval: 60, speed: 1440)
    #expect(clock.eventTime(atReal: anchor.adding(seconds: -5)) == start)
    #expect(clock.eventTime(atReal: anchor.adding(seconds: 10)) == start.adding(seconds: 14_400))
    #expect(clock.realTime(ofSample: 60) == anchor.adding(seconds: 2.5))
    #expect(clock.eventTime(ofSample: 60) == start.adding(seconds: 3600))
  }
}
