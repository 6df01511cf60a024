import Testing

@testable import ColdTraceCore

@Suite("Repeat filter slots")
struct RepeatFilterSlotTests {
  private static func reading(_ sensor: String, _ ms: Int64, _ temp: Double?, rh: Double? = nil) -> DecodedReading {
    DecodedReading(
      key: SensorKey(site: "hx", room: "cold2", sensor: sensor), agent: nil,
      samples: [Sample(seq: nil, ts: Timestamp(milliseconds: ms), tempC: temp, rhPct: rh)], isBatch: false)
  }

  @Test("a remembered slot finds the probe's last reading: replays dropped, receipt times kept increasing")
  func slotFindsTheProbe() {
    var filter = RepeatFilter()
    var slot: RepeatFilter.Slot?
    var first = Self.reading("p1", 1_000, 3.4)
    #expect(filter.admit(&first, slot: &slot, repeatWithinSeconds: 0, receiptTime: true))
    let remembered = slot
    #expect(remembered != nil)
    var replay = Self.reading("p1", 1_000, 3.4)
    #expect(!filter.admit(&replay, slot: &slot, repeatWithinSeconds: 0, receiptTime: true))
    #expect(slot == remembered)
    // Another topic of the same probe (Shelly Gen1's humidity) without a slot shares the same last reading.
    var humidity = Self.reading("p1", 1_000, nil, rh: 71)
    #expect(filter.admit(&humidity, repeatWithinSeconds: 0, receiptTime: true))
    #expect(humidity.samples[0].ts == Timestamp(milliseconds: 1_001))
    var again = Self.reading("p1", 1_001, 3.4)
    #expect(filter.admit(&again, slot: &slot, repeatWithinSeconds: 0, receiptTime: true))
    #expect(again.samples[0].ts == Timestamp(milliseconds: 1_002), "after the humidity's 1,001 ms")
    #expect(slot == remembered, "the same place")
  }

  @Test("a slot from before the filter started over is not used: its probe is looked up again")
  func staleSlotIgnored() {
    var filter = RepeatFilter(capacity: 2)
    var p1Slot: RepeatFilter.Slot?
    var p2Slot: RepeatFilter.Slot?
    var one = Self.reading("p1", 1_000, 3.4)
    var two = Self.reading("p2", 1_000, 5.0)
    #expect(filter.admit(&one, slot: &p1Slot, repeatWithinSeconds: 0, receiptTime: false))
    #expect(filter.admit(&two, slot: &p2Slot, repeatWithinSeconds: 0, receiptTime: false))
    var three = Self.reading("p3", 1_000, 7.0)
    #expect(filter.admit(&three, repeatWithinSeconds: 0, receiptTime: false), "full: it starts over with p3 alone")
    let stale = p1Slot
    var p1Replay = Self.reading("p1", 1_000, 3.4)
    #expect(
      filter.admit(&p1Replay, slot: &p1Slot, repeatWithinSeconds: 0, receiptTime: false),
      "p1 was forgotten: its old slot (p3's place now) must not compare it with p3's reading")
    #expect(p1Slot != stale)
    var p3Replay = Self.reading("p3", 1_000, 7.0)
    #expect(!filter.admit(&p3Replay, repeatWithinSeconds: 0, receiptTime: false), "p3 kept its own reading")
    var p1Again = Self.reading("p1", 1_000, 3.4)
    #expect(!filter.admit(&p1Again, slot: &p1Slot, repeatWithinSeconds: 0, receiptTime: false))
  }
}
