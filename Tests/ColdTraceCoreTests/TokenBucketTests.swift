import ColdTraceCore
import Testing

@Suite(.timeLimit(.minutes(10)))
struct TokenBucketTests {
  @Test func aFullBucketTakesItsBurstThenTheSustainedRate() {
    var bucket = TokenBucket(rate: 10, capacity: 5, now: 0)
    // The burst at once, then 10 a second: one token every 100 ms; never more than the burst after a long quiet.
    let times: [Int64] = [0, 0, 0, 0, 0, 0, 50, 100, 100] + Array(repeating: 60_000, count: 7)
    let taken = times.map { bucket.take(now: $0) }
    #expect(
      taken == [true, true, true, true, true, false, false, true, false] + [true, true, true, true, true, false, false])
  }

  @Test func aClockThatGoesBackwardsAddsNothing() {
    var bucket = TokenBucket(rate: 1000, capacity: 1, now: 10_000)
    let taken = [10_000, 5_000, 10_001].map { bucket.take(now: $0) }
    #expect(taken == [true, false, true])
  }
}
