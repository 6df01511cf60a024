import Testing

@testable import ColdTraceCore

/// The reading message's codec: `ReadingEncoder` writes it, `ReadingDecoder` reads it.
@Suite("Reading message")
struct ReadingMessageTests {
  let ts = Timestamp(milliseconds: 1_795_923_600_000)
  let topic = "coldtrace/v1/reading/hx/cold-1/probe-a"
  let now = Timestamp(milliseconds: 1_795_923_660_000)

  @Test("a sample and a backfill read back as they were encoded")
  func roundTrip() throws {
    let sample = Sample(seq: 1842, ts: ts, tempC: 3.42, rhPct: 91.8)
    let single = try ReadingDecoder.decode(
      topic: topic, payload: Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample).utf8), now: now
    ).get()
    #expect(single.agent == "hx-edge-1")
    #expect(single.samples == [sample])
    #expect(!single.isBatch)
    let samples = [Sample(seq: 7, ts: ts, tempC: -0.5), Sample(seq: 8, ts: ts.adding(seconds: 60), error: "CRC")]
    let batch = try ReadingDecoder.decode(
      topic: topic, payload: Array(ReadingEncoder.encodeBatch(agent: "a", samples: samples, floor: 5).utf8), now: now
    ).get()
    #expect(batch.samples == samples)
    #expect(batch.isBatch)
    #expect(batch.floor == 5)
  }

  @Test("reads the documented example byte for byte")
  func documentedExample() throws {
    let payload = #"{"v":1,"agent":"hx-edge-1","seq":1842,"ts":"2026-11-29T03:40:00.000Z","temp_c":3.42,"rh_pct":91.8}"#
    let reading = try ReadingDecoder.decode(topic: topic, payload: Array(payload.utf8), now: now).get()
    #expect(reading.key == SensorKey(site: "hx", room: "cold-1", sensor: "probe-a"))
    #expect(reading.samples == [Sample(seq: 1842, ts: ts, tempC: 3.42, rhPct: 91.8)])
    #expect(ReadingEncoder.encode(agent: "hx-edge-1", sample: reading.samples[0]) == payload)
  }

  @Test("refuses malformed payloads")
  func malformed() {
    for payload in ["", "{", "[]", #"{"v":1}"#, #"{"v":2,"ts":"2026-11-29T03:40:00.000Z","temp_c":1}"#] {
      guard case .failure = ReadingDecoder.decode(topic: topic, payload: Array(payload.utf8), now: now) else {
        Issue.record("accepted \(payload)")
        continue
      }
    }
  }
}
