import Testing

@testable import ColdTraceCore

@Suite("Topics")
struct ReadingTopicTests {
  private func rejection(_ topic: String) -> PayloadRejection? {
    do {
      _ = try ReadingTopic.sensorKey(from: topic)
      return nil
    } catch {
      return error
    }
  }

  @Test("parses a reading topic into its sensor and builds it back")
  func roundTrip() throws {
    let key = try ReadingTopic.sensorKey(from: "coldtrace/v1/reading/hongxuan/cold2/cold2-door")
    #expect(key == SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-door"))
    #expect(ReadingTopic.topic(for: key) == "coldtrace/v1/reading/hongxuan/cold2/cold2-door")
  }

  @Test(
    "refuses topics of the wrong shape as bad_topic",
    arguments: [
      "", "coldtrace/v1/reading/hongxuan/cold2", "coldtrace/v1/reading/hongxuan/cold2/door/extra",
      "coldtrace/v2/reading/hongxuan/cold2/door", "coldtrace/v1/status/hongxuan/cold2/door",
      "Coldtrace/v1/reading/hongxuan/cold2/door", "/coldtrace/v1/reading/hongxuan/cold2/door",
      "coldtrace/v1/reading/hongxuan/cold2/door/", "coldtrace/v1/reading",
    ])
  func badShape(_ topic: String) {
    #expect(rejection(topic)?.reason == .badTopic, "\(topic)")
  }

  @Test(
    "refuses levels that break the id rule as invalid_id",
    arguments: [
      "coldtrace/v1/reading/collector/cold2/door", "coldtrace/v1/reading//cold2/door",
      "coldtrace/v1/reading/hongxuan/../door", "coldtrace/v1/reading/hongxuan/cold 2/door",
      "coldtrace/v1/reading/hongxuan/cold2/+", "coldtrace/v1/reading/hongxuan/cold2/#",
      "coldtrace/v1/reading/hồng-xuân/cold2/door",
      "coldtrace/v1/reading/hongxuan/cold2/" + String(repeating: "d", count: 65),
    ])
  func invalidLevel(_ topic: String) {
    #expect(rejection(topic)?.reason == .invalidID, "\(topic)")
  }

  @Test("names the topic and the broken level in the detail")
  func details() {
    #expect(
      rejection("coldtrace/v1/reading/hongxuan/cold2")?.detail
        == #"topic "coldtrace/v1/reading/hongxuan/cold2" has 5 levels; expected 6: "#
        + "coldtrace/v1/reading/<site>/<room>/<sensor>")
    #expect(
      rejection("coldtrace/v1/reading/collector/cold2/door")?.detail
        == #"topic "coldtrace/v1/reading/collector/cold2/door": invalid site id "collector": "#
        + #""collector" is reserved for the collector's own status topic"#)
  }

  @Test("builds every protocol topic and filter")
  func builders() {
    let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-door")
    #expect(Topics.reading(key) == "coldtrace/v1/reading/hongxuan/cold2/cold2-door")
    #expect(Topics.status(site: "hongxuan", agent: "hx-edge-1") == "coldtrace/v1/status/hongxuan/hx-edge-1")
    #expect(Topics.ack(site: "hongxuan", agent: "hx-edge-1") == "coldtrace/v1/ack/hongxuan/hx-edge-1")
    #expect(Topics.alert(site: "hongxuan", room: "cold2") == "coldtrace/v1/alert/hongxuan/cold2")
    #expect(Topics.collectorStatus(id: "main") == "coldtrace/v1/status/collector/main")
    #expect(Topics.readingFilter == "coldtrace/v1/reading/+/+/+")
    #expect(Topics.statusFilter == "coldtrace/v1/status/+/+")
    #expect(Topics.alertFilter == "coldtrace/v1/alert/+/+")
  }
}
