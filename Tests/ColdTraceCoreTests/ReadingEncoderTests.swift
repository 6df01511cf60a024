import Testing

@testable import ColdTraceCore

@Suite("Reading encoder and JSON text")
struct ReadingEncoderTests {
  let ts = Timestamp(milliseconds: 1_795_923_600_000)

  @Test("writes the protocol's example byte for byte")
  func specExample() {
    let sample = Sample(seq: 1842, ts: ts, tempC: 3.42, rhPct: 91.8)
    #expect(
      ReadingEncoder.encode(agent: "hx-edge-1", sample: sample)
        == #"{"v":1,"agent":"hx-edge-1","seq":1842,"ts":"2026-11-29T03:40:00.000Z","temp_c":3.42,"rh_pct":91.8}"#)
  }

  @Test("leaves absent fields out and escapes error text")
  func absentFields() {
    let fault = Sample(seq: nil, ts: ts, error: "CRC \"failed\"\n3×")
    #expect(
      ReadingEncoder.encode(agent: "a", sample: fault)
        == #"{"v":1,"agent":"a","ts":"2026-11-29T03:40:00.000Z","error":"CRC \"failed\"\n3×"}"#)
  }

  @Test("writes a batch oldest first")
  func batch() {
    let samples = [
      Sample(seq: 1843, ts: ts, tempC: 3.5), Sample(seq: 1844, ts: ts.adding(seconds: 60), tempC: -0.5, rhPct: 90),
    ]
    #expect(
      ReadingEncoder.encodeBatch(agent: "hx-edge-1", samples: samples)
        == #"{"v":1,"agent":"hx-edge-1","samples":[{"seq":1843,"ts":"2026-11-29T03:40:00.000Z","temp_c":3.5},"#
        + #"{"seq":1844,"ts":"2026-11-29T03:41:00.000Z","temp_c":-0.5,"rh_pct":90}]}"#)
  }

  @Test(
    "prints numbers short, positional and round-tripping",
    arguments: [
      (3.42, "3.42"), (91.8, "91.8"), (1842, "1842"), (-80, "-80"), (85.01, "85.01"), (0, "0"), (-0.0, "-0"),
      (0.1 + 0.2, "0.30000000000000004"), (0.0001, "0.0001"), (0.000015, "0.000015"), (1.5e-7, "1.5e-7"),
      (1e16, "10000000000000000"), (1.25e20, "125000000000000000000"), (1e21, "1e+21"),
      (.leastNonzeroMagnitude, "5e-324"),
      (.greatestFiniteMagnitude, "1.7976931348623157e+308"), (-123456.789, "-123456.789"),
      (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
    ])
  func numbers(_ value: Double, _ text: String) throws {
    #expect(JSONText.number(value) == text)
    if value.isFinite {
      #expect(try JSONParser.parse(text) == .number(value))
    }
  }

  @Test("quotes strings so the parser reads them back unchanged")
  func quoting() throws {
    #expect(JSONText.quoted("plain") == #""plain""#)
    #expect(JSONText.quoted("a\"b\\c") == #""a\"b\\c""#)
    #expect(JSONText.quoted("\u{0}\u{1F}\t\r\n\u{8}\u{C}") == #""\u0000\u001f\t\r\n\b\f""#)
    for text in ["", "Kho lạnh ❄️", "\u{7F}/</script>", "😀\u{1}x", String(repeating: "\"", count: 5)] {
      #expect(try JSONParser.parse(JSONText.quoted(text)) == .string(text))
    }
  }
}
