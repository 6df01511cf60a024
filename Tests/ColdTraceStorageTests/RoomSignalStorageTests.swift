import ColdTraceCore
import Testing

@testable import ColdTraceStorage

/// Room signals (an input's `defrost` and `door_open` samples) are stored as the input's readings, and the room's
/// defrost and door spans in `room_spans` (docs/protocol.md, "Room signals").
@Suite("Room signals in storage")
struct RoomSignalStorageTests {
  typealias F = StoreFixtures
  let scratch: ScratchDatabase
  let input = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-defrost")

  init() throws { scratch = try ScratchDatabase() }

  @Test("an input's signal samples are stored once and read back with their state, row by row and in groups")
  func signalSamplesRoundTrip() throws {
    let store = try scratch.open()
    let checked = [
      Sample(seq: 1, ts: F.minute(0), defrost: false), Sample(seq: 2, ts: F.minute(1), defrost: true),
      Sample(seq: 3, ts: F.minute(2), doorOpen: true),
    ]
    #expect(try F.insert(checked, input, into: store) == checked)
    #expect(try F.insert([checked[1]], input, into: store) == [], "a redelivery adds nothing")
    let grouped = (4...40).map { Sample(seq: Int64($0), ts: F.minute($0), defrost: $0 % 2 == 0, doorOpen: $0 > 30) }
    let written = try store.write { tx in
      let writer = tx.newSampleWriter()
      let stored = try writer.store(grouped, source: try tx.sourceID(for: input, agent: "hx-edge-1"), group: 0)
      try writer.flush()
      return stored
    }
    #expect(written == grouped)
    let read = try store.readings(ReadingFilter()).map(\.sample)
    #expect(read == checked + grouped)
    #expect(read.allSatisfy { $0.tempC == nil && $0.rhPct == nil && $0.error == nil })
  }

  @Test("a probe's readings keep no signal state")
  func probeReadingsHaveNoSignal() throws {
    let store = try scratch.open()
    try F.insert([Sample(seq: 1, ts: F.minute(0), tempC: 3.4, rhPct: 90)], into: store)
    let sample = try #require(try store.readings(ReadingFilter()).first?.sample)
    #expect(sample.defrost == nil && sample.doorOpen == nil && !sample.carriesSignal)
  }

  @Test("room spans are opened, closed and found by the time they overlap")
  func roomSpans() throws {
    let store = try scratch.open()
    let defrost = RoomSpan(signal: .defrost, source: .input, sensor: "cold2-defrost", start: F.minute(10), end: nil)
    let door = RoomSpan(signal: .door, source: .input, sensor: "cold2-door", start: F.minute(50), end: F.minute(55))
    let scheduled = RoomSpan(signal: .defrost, source: .schedule, sensor: nil, start: F.minute(100), end: nil)
    try store.write { tx in
      let id = try tx.openRoomSpan(defrost, site: "hongxuan", room: "cold2")
      try tx.closeRoomSpan(id, at: F.minute(35))
      _ = try tx.openRoomSpan(door, site: "hongxuan", room: "cold2")
      _ = try tx.openRoomSpan(scheduled, site: "hongxuan", room: "cold2")
      _ = try tx.openRoomSpan(door, site: "hongxuan", room: "cold1")
    }
    var closed = defrost
    closed.end = F.minute(35)
    #expect(try store.roomSpans(site: "hongxuan", room: "cold2") == [closed, door, scheduled])
    #expect(try store.roomSpans(site: "hongxuan", room: "cold2", from: F.minute(36), to: F.minute(60)) == [door])
    #expect(
      try store.roomSpans(site: "hongxuan", room: "cold2", from: F.minute(200), to: nil) == [scheduled],
      "a span that has not ended overlaps every later time")
    #expect(closed.milliseconds(until: F.minute(999)) == 25 * 60_000)
    #expect(scheduled.milliseconds(until: F.minute(110)) == 10 * 60_000)
  }
}
