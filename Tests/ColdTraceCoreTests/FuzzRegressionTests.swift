import Testing

@testable import ColdTraceCore

/// Inputs `scripts/fuzz.sh` found (Fuzz/), kept so they stay fixed.
@Suite("Reading decoder: fuzzing regressions")
struct FuzzRegressionTests {
  /// The `reading` fuzzer: a zone offset carried year 0000 back into year −1 in UTC; the reading was accepted and
  /// then printed as `00-1-12-31T23:00:00.000Z`, which no RFC 3339 reader (ours included) reads back.
  @Test(
    "refuses a ts whose zone offset carries it outside the years 0000–9999 in UTC",
    arguments: ["0000-01-01T00:00:00+01:00", "0000-01-01T00:59:59.999+01:00", "9999-12-31T23:59:59.999-00:01"])
  func zoneOffsetOutsideTheYears(_ ts: String) {
    let rejection = ReadingFixture.rejection(#"{"v":1,"ts":"\#(ts)","temp_c":3}"#)
    #expect(rejection == PayloadRejection(.badTimestamp, "ts \"\(ts)\" is outside the years 0000–9999 in UTC"))
  }

  @Test("still accepts the first and last instants an RFC 3339 text can show, whatever their zone")
  func edgesOfTheYears() throws {
    for ts in ["0000-01-01T01:00:00+01:00", "0000-01-01T00:00:00Z"] {
      let reading = try ReadingFixture.decode(#"{"v":1,"ts":"\#(ts)","temp_c":3}"#).get()
      #expect(reading.samples.first?.ts.rfc3339 == "0000-01-01T00:00:00.000Z")
    }
  }

  /// The `json` fuzzer: a key holding U+0085 (NEL) went into the error message as it was, and some log readers break
  /// lines there.
  @Test(
    "quotes keys in errors with Unicode line breaks escaped",
    arguments: [#"{"n\u0085\ud82d\ude00""#, #"{"a\u2028":1,"a\u2028":2}"#, #"{"\u2029"}"#])
  func keyWithLineBreak(_ json: String) {
    do {
      _ = try JSONParser.parse(json)
      Issue.record("accepted \(json)")
    } catch {
      let breaksLines = error.description.contains { $0.isNewline }
      #expect(!breaksLines, "\(error.description.debugDescription)")
      #expect(error.description.contains("\\u{"))
    }
  }
}
