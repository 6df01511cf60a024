import ColdTraceCore
import Testing

@testable import ColdTraceCollector

/// One warning per topic and reason per interval, with a count of what was kept quiet.
@Suite(.timeLimit(.minutes(10)))
struct QuarantineLogLimiterTests {
  private let start = Timestamp(seconds: 1_780_000_000)

  @Test func aFloodFromOneTopicIsOneLinePerMinuteWithTheCountOfTheRest() {
    var limiter = QuarantineLogLimiter(intervalSeconds: 60)
    let topic = "coldtrace/v1/reading/hx/cold2/p1"
    var lines: [String] = []
    for second in 0..<150 {
      if let line = limiter.warning(
        topic: topic, reason: "future_timestamp", detail: "3 h ahead", now: start.adding(seconds: Double(second)))
      {
        lines.append(line)
      }
    }
    #expect(lines.count == 3, "at 0, 60 and 120 s: \(lines)")
    #expect(lines[0] == "quarantined payload on \(topic): future_timestamp: 3 h ahead")
    #expect(lines[1].hasSuffix("(and 59 more on this topic for this reason since the last warning)"))
    #expect(lines[2].hasSuffix("(and 59 more on this topic for this reason since the last warning)"))
  }

  @Test func otherTopicsAndReasonsAreWarnedAtOnce() {
    var limiter = QuarantineLogLimiter(intervalSeconds: 60)
    let a = limiter.warning(topic: "t/a", reason: "malformed_json", detail: "x", now: start)
    let b = limiter.warning(topic: "t/b", reason: "malformed_json", detail: "x", now: start)
    let c = limiter.warning(topic: "t/a", reason: "bad_timestamp", detail: "x", now: start)
    let again = limiter.warning(topic: "t/a", reason: "malformed_json", detail: "x", now: start.adding(seconds: 1))
    #expect(a != nil && b != nil && c != nil)
    #expect(again == nil)
  }

  @Test func itsMemoryIsBounded() {
    var limiter = QuarantineLogLimiter(intervalSeconds: 60, capacity: 3)
    for index in 0..<3 { _ = limiter.warning(topic: "t/\(index)", reason: "r", detail: "", now: start) }
    #expect(limiter.warning(topic: "t/0", reason: "r", detail: "", now: start) == nil)
    // A fourth topic starts the memory over: t/0 is warned about again.
    #expect(limiter.warning(topic: "t/3", reason: "r", detail: "", now: start) != nil)
    #expect(limiter.warning(topic: "t/0", reason: "r", detail: "", now: start) != nil)
  }
}
