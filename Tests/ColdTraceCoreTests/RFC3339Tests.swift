import Testing

@testable import ColdTraceCore

@Suite("RFC 3339")
struct RFC3339Tests {
  @Test(
    "formats UTC with milliseconds",
    arguments: [
      (Int64(0), "1970-01-01T00:00:00.000Z"),
      (1_795_923_600_000, "2026-11-29T03:40:00.000Z"),
      (1_795_923_600_042, "2026-11-29T03:40:00.042Z"),
      (1_709_208_000_000, "2024-02-29T12:00:00.000Z"),
      (951_782_400_000, "2000-02-29T00:00:00.000Z"),
      (-1, "1969-12-31T23:59:59.999Z"),
      (-14_182_940_000, "1969-07-20T20:17:40.000Z"),
      (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
      (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
      (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
  func formats(_ milliseconds: Int64, _ text: String) {
    let ts = Timestamp(milliseconds: milliseconds)
    #expect(ts.rfc3339 == text)
    #expect(Timestamp.parseRFC3339(text) == ts)
  }

  @Test("round-trips every millisecond pattern around the epoch and across leap days")
  func roundTrips() {
    let starts: [Int64] = [-86_400_000 * 3, 951_696_000_000, 1_709_164_800_000, -2_203_977_600_000]
    for start in starts {
      for step in stride(from: Int64(0), to: 86_400_000 * 4, by: 3_599_999) {
        let ts = Timestamp(milliseconds: start + step)
        #expect(Timestamp.parseRFC3339(ts.rfc3339) == ts, "\(ts.milliseconds)")
      }
    }
  }

  @Test(
    "applies zone offsets",
    arguments: [
      "2026-11-29T03:40:00Z", "2026-11-29T03:40:00z", "2026-11-29t03:40:00Z", "2026-11-29 03:40:00Z",
      "2026-11-29T10:40:00+07:00", "2026-11-28T22:10:00-05:30", "2026-11-29T03:40:00+00:00",
      "2026-11-29T03:40:00-00:00", "2026-11-30T03:39:00+23:59",
    ])
  func offsets(_ text: String) {
    #expect(Timestamp.parseRFC3339(text) == Timestamp(milliseconds: 1_795_923_600_000))
  }

  @Test("handles leap years by the Gregorian rule")
  func leapYears() {
    #expect(Timestamp.parseRFC3339("2024-02-29T00:00:00Z") != nil)
    #expect(Timestamp.parseRFC3339("2000-02-29T00:00:00Z") != nil)
    #expect(Timestamp.parseRFC3339("2023-02-29T00:00:00Z") == nil)
    #expect(Timestamp.parseRFC3339("1900-02-29T00:00:00Z") == nil)
    #expect(Timestamp.parseRFC3339("2100-02-29T00:00:00Z") == nil)
    #expect(Timestamp.parseRFC3339("2024-04-31T00:00:00Z") == nil)
    #expect(Timestamp.parseRFC3339("2024-12-31T23:59:59Z")?.rfc3339 == "2024-12-31T23:59:59.000Z")
  }

  @Test(
    "keeps milliseconds and truncates finer fractions",
    arguments: [
      (".5", Int64(500)), (".05", 50), (".123", 123), (".123456789", 123), (".9999", 999), (".0001", 0),
    ])
  func fractions(_ fraction: String, _ millis: Int64) {
    let parsed = Timestamp.parseRFC3339("2026-11-29T03:40:00\(fraction)Z")
    #expect(parsed == Timestamp(milliseconds: 1_795_923_600_000 + millis))
  }

  @Test("truncates fractions toward the earlier instant before 1970 too")
  func preEpochFraction() {
    #expect(Timestamp.parseRFC3339("1969-12-31T23:59:59.9999Z") == Timestamp(milliseconds: -1))
    #expect(Timestamp.parseRFC3339("1969-12-31T23:59:58.5Z") == Timestamp(milliseconds: -1500))
  }

  @Test("reads a leap second as the last second of its minute")
  func leapSecond() {
    #expect(Timestamp.parseRFC3339("2016-12-31T23:59:60Z")?.rfc3339 == "2016-12-31T23:59:59.000Z")
  }

  @Test(
    "refuses anything that is not RFC 3339 with a zone",
    arguments: [
      "", "2026-11-29", "2026-11-29T03:40:00", "2026-11-29T03:40Z", "2026-11-29T03:40:00.Z", "2026-11-29T03:40:00+07",
      "2026-11-29T03:40:00+0700", "2026-11-29T03:40:00+24:00", "2026-11-29T03:40:00+07:60", "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-29T24:00:00Z",
      "2026-11-29T03:60:00Z", "2026-11-29T03:40:61Z", "2026-11-29T03:40:00ZZ", "2026-11-29T03:40:00Z ",
      " 2026-11-29T03:40:00Z", "26-11-29T03:40:00Z", "2026/11/29T03:40:00Z", "2026-11-29X03:40:00Z",
      "+2026-11-29T03:40:00Z", "2026-11-29T03:40:00,5Z", "1795923600", "２０２６-11-29T03:40:00Z",
    ])
  func rejects(_ text: String) {
    #expect(Timestamp.parseRFC3339(text) == nil)
  }

  @Test("parses substrings")
  func substrings() {
    let line = "ts=2026-11-29T03:40:00Z;"
    let slice = line.dropFirst(3).dropLast()
    #expect(Timestamp.parseRFC3339(slice) == Timestamp(milliseconds: 1_795_923_600_000))
  }
}
