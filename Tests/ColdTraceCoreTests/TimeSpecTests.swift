import Testing

@testable import ColdTraceCore

@Suite("TimeSpec: --since, --until and --at values")
struct TimeSpecTests {
  static let now = Timestamp(milliseconds: 1_795_923_600_000)

  @Test(
    "reads spans back from now, RFC 3339 times and Unix seconds",
    arguments: [
      ("90s", 1_795_923_510_000), ("30m", 1_795_921_800_000), ("24h", 1_795_837_200_000),
      ("7d", 1_795_318_800_000), ("2w", 1_794_714_000_000), ("0s", 1_795_923_600_000),
      ("2026-11-29T10:40:00+07:00", 1_795_923_600_000), ("1795923600", 1_795_923_600_000), ("0", 0),
      ("253402300799", 253_402_300_799_000),
    ] as [(String, Int64)])
  func reads(_ text: String, _ milliseconds: Int64) {
    #expect(TimeSpec.parse(text, now: Self.now) == Timestamp(milliseconds: milliseconds))
  }

  /// Each of these once trapped converting to milliseconds (a stack trace instead of a usage error) or named a time
  /// no RFC 3339 text can show.
  @Test(
    "refuses huge, negative and non-finite numbers instead of overflowing",
    arguments: [
      "99999999999999999999d", "1e300m", "1e15w", "9223372036854775807", "9223372036854775", "253402300800",
      "-24h", "-1", "nand", "infh", "-infs", "", "h", "24 h", "1e3x", "yesterday",
    ])
  func refuses(_ text: String) {
    #expect(TimeSpec.parse(text, now: Self.now) == nil)
  }

  @Test("reaches back 10,000 years but not further")
  func longestSpan() {
    let days = TimeSpec.maxSpanSeconds / 86_400
    #expect(TimeSpec.parse("\(Int(days))d", now: Self.now) != nil)
    #expect(TimeSpec.parse("\(Int(days) + 1)d", now: Self.now) == nil)
  }
}
