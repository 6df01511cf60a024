import Testing

@testable import ColdTraceCore

/// A source of `preset` on `topic`, timed as given, in site `hx`.
func source(
  _ preset: SourcePreset, _ topic: String, time: TimePolicy, room: String? = nil, sensor: String? = nil,
  rows: [SourceMapRow] = []
) throws -> SourceMapping {
  SourceMapping(
    name: "test", site: "hx", preset: preset, topics: [try TopicPattern(topic)],
    naming: ProbeNaming(room: try room.map(IdTemplate.init), sensor: try sensor.map(IdTemplate.init)), rows: rows,
    time: time)
}

/// What `mapping` makes of `payload` on `topic` at 2026-11-29T03:41:00Z.
func outcome(_ mapping: SourceMapping, _ topic: String, _ payload: String, retained: Bool = false)
  -> (readings: [MappedReading], rejections: [PayloadRejection], ignored: Bool)
{
  guard let captures = mapping.captures(of: topic) else {
    return ([], [PayloadRejection(.unmappedTopic, "no pattern")], false)
  }
  let result = Array(payload.utf8).withUnsafeBytes {
    mapping.map(topic: topic, captures: captures, payload: $0, retained: retained, now: SourceFixture.now)
  }
  switch result {
  case .ignored: return ([], [], true)
  case .mapped(let readings, let rejections): return (readings, rejections, false)
  }
}

enum SourceFixture {
  static let now = Timestamp.parseRFC3339("2026-11-29T03:41:00Z")!
  static let at0340 = Timestamp.parseRFC3339("2026-11-29T03:40:00Z")!
}

@Suite("Source topic patterns")
struct SourceTopicPatternTests {
  @Test("captures room and sensor inside one level, and subscribes with +")
  func capturesInsideALevel() throws {
    let pattern = try TopicPattern("zigbee2mqtt/{room}-{sensor}")
    #expect(pattern.filter == "zigbee2mqtt/+")
    #expect(pattern.match("zigbee2mqtt/cold2-snzb-1") == ["room": "cold2", "sensor": "snzb-1"])
    #expect(pattern.match("zigbee2mqtt/cold2") == nil)
    #expect(pattern.match("zigbee2mqtt/cold2-snzb/availability") == nil)
  }

  @Test("literal levels, + and # match as MQTT filters do")
  func wildcards() throws {
    let pattern = try TopicPattern("shellies/{sensor}/sensor/+")
    #expect(pattern.filter == "shellies/+/sensor/+")
    #expect(pattern.match("shellies/shellyht-AB12/sensor/temperature") == ["sensor": "shellyht-AB12"])
    #expect(pattern.match("shellies/shellyht-AB12/online") == nil)
    #expect(try TopicPattern("collectd/{room}/#").match("collectd/cold2/a/b") == ["room": "cold2"])
  }

  @Test("refuses patterns that cannot work", arguments: ["", "a/#/b", "a/x+/b", "a/{room", "a/{room}{sensor}", "a/{}"])
  func refusesBadPatterns(_ text: String) {
    #expect(throws: TopicPatternError.self) { try TopicPattern(text) }
  }
}

@Suite("Source repeat filter")
struct SourceRepeatFilterTests {
  private func reading(_ ms: Int64, temp: Double?, rh: Double? = nil) -> DecodedReading {
    DecodedReading(
      key: SensorKey(site: "hx", room: "cold2", sensor: "p"), agent: nil,
      samples: [Sample(seq: nil, ts: Timestamp(milliseconds: ms), tempC: temp, rhPct: rh)], isBatch: false)
  }

  @Test("drops a replay of the same values and time, and a value-unchanged repeat inside the window")
  func dropsRepeats() {
    var filter = RepeatFilter()
    var first = reading(1_000_000, temp: 3.4)
    #expect(filter.admit(&first, repeatWithinSeconds: 0, receiptTime: false))
    var replay = reading(1_000_000, temp: 3.4)
    #expect(!filter.admit(&replay, repeatWithinSeconds: 0, receiptTime: false))
    var later = reading(1_060_000, temp: 3.4)
    #expect(filter.admit(&later, repeatWithinSeconds: 0, receiptTime: false))
    var cached = reading(1_120_000, temp: 3.4)
    #expect(!filter.admit(&cached, repeatWithinSeconds: 900, receiptTime: false))
    var changed = reading(1_130_000, temp: 3.5)
    #expect(filter.admit(&changed, repeatWithinSeconds: 900, receiptTime: false))
  }

  @Test("a full filter starts over: a replay is still dropped, a new reading empties it first")
  func startsOverWhenFull() {
    var filter = RepeatFilter(capacity: 2)
    func admit(_ sensor: String, _ ms: Int64, _ temp: Double) -> Bool {
      var one = DecodedReading(
        key: SensorKey(site: "hx", room: "cold2", sensor: sensor), agent: nil,
        samples: [Sample(seq: nil, ts: Timestamp(milliseconds: ms), tempC: temp)], isBatch: false)
      return filter.admit(&one, repeatWithinSeconds: 0, receiptTime: false)
    }
    #expect(admit("p1", 1_000, 3.4) && admit("p2", 1_000, 3.4))
    #expect(!admit("p1", 1_000, 3.4), "full, and a replay: still dropped")
    #expect(admit("p1", 2_000, 3.5), "full: emptied, then p1 kept")
    #expect(admit("p2", 1_000, 3.4), "p2 was forgotten")
    #expect(!admit("p1", 2_000, 3.5) && !admit("p2", 1_000, 3.4))
  }

  @Test("moves a receipt time that collides with the probe's last one 1 ms later")
  func separatesReceiptTimes() {
    var filter = RepeatFilter()
    var temperature = reading(5_000, temp: 3.4)
    var humidity = reading(5_000, temp: nil, rh: 91)
    #expect(filter.admit(&temperature, repeatWithinSeconds: 0, receiptTime: true))
    #expect(filter.admit(&humidity, repeatWithinSeconds: 0, receiptTime: true))
    #expect(humidity.samples[0].ts == Timestamp(milliseconds: 5_001))
  }
}
