import Testing

@testable import ColdTraceCore

@Suite("Status message")
struct StatusMessageTests {
  let ts = Timestamp(milliseconds: 1_795_923_600_000)

  @Test("writes an agent's and a collector's status byte for byte")
  func exactBytes() {
    let agent = StatusMessage(
      state: StatusMessage.online, sender: .agent("hx-edge-1"), version: "0.1.0", ts: ts,
      outbox: .init(pending: 2, dropped: 0))
    #expect(
      agent.encode()
        == #"{"state":"online","agent":"hx-edge-1","version":"0.1.0","ts":"2026-11-29T03:40:00.000Z","#
        + #""outbox":{"pending":2,"dropped":0}}"#)
    let will = StatusMessage(state: StatusMessage.offline, sender: .agent("hx-edge-1"), version: "0.1.0", ts: ts)
    #expect(
      will.encode() == #"{"state":"offline","agent":"hx-edge-1","version":"0.1.0","ts":"2026-11-29T03:40:00.000Z"}"#)
    let collector = StatusMessage(state: StatusMessage.online, sender: .collector("main"), version: "0.1.0", ts: ts)
    #expect(
      collector.encode()
        == #"{"state":"online","collector":"main","version":"0.1.0","ts":"2026-11-29T03:40:00.000Z"}"#)
  }

  @Test("reads back what it writes")
  func roundTrip() {
    let messages = [
      StatusMessage(
        state: StatusMessage.online, sender: .agent("a"), version: "0.1.0", ts: ts,
        outbox: .init(pending: 12, dropped: 3)),
      StatusMessage(state: StatusMessage.offline, sender: .agent("a\"b"), version: "sim", ts: ts),
      StatusMessage(state: StatusMessage.offline, sender: .collector("main"), version: "0.1.0", ts: ts),
      StatusMessage(state: StatusMessage.online, sender: .agent("a"), version: nil, ts: nil),
    ]
    for message in messages {
      #expect(StatusMessage.decode(Array(message.encode().utf8)) == message)
    }
  }

  @Test("reads the minimal and unusual statuses the collector has always accepted")
  func lenient() throws {
    let minimal = try #require(StatusMessage.decode(Array(#"{"state":"online","agent":"a"}"#.utf8)))
    #expect(minimal.isOnline)
    #expect(minimal.outbox == nil)
    let other = try #require(StatusMessage.decode(Array(#"{"state":"sleeping","agent":"a","outbox":{}}"#.utf8)))
    #expect(!other.isOnline)
    #expect(other.outbox == StatusMessage.Outbox(pending: 0, dropped: 0))
  }

  @Test("refuses payloads without a state or a sender")
  func malformed() {
    let payloads = [
      "", "{", "[]", #"{"agent":"a"}"#, #"{"state":1,"agent":"a"}"#, #"{"state":"online"}"#,
      #"{"state":"online","agent":7}"#,
    ]
    for payload in payloads {
      #expect(StatusMessage.decode(Array(payload.utf8)) == nil, "\(payload)")
    }
  }
}

@Suite("Status message placements")
struct StatusMessagePlacementTests {
  let ts = Timestamp(milliseconds: 1_795_923_600_000)

  @Test("an agent's placements are written sorted by sensor and read back")
  func placementsRoundTrip() {
    let message = StatusMessage(
      state: StatusMessage.online, sender: .agent("hx-edge-1"), version: "0.1.0", ts: ts,
      outbox: .init(pending: 0, dropped: 0),
      placements: ["cold2-pulp": .product, "cold2-air": .air, "coil": .evaporator])
    #expect(
      message.encode()
        == #"{"state":"online","agent":"hx-edge-1","version":"0.1.0","ts":"2026-11-29T03:40:00.000Z","#
        + #""outbox":{"pending":0,"dropped":0},"placements":{"coil":"evaporator","cold2-air":"air","#
        + #""cold2-pulp":"product"}}"#)
    #expect(StatusMessage.decode(Array(message.encode().utf8)) == message)
    for placement in Placement.allCases {
      let one = StatusMessage(
        state: StatusMessage.online, sender: .agent("a"), version: nil, ts: nil, placements: ["s": placement])
      #expect(StatusMessage.decode(Array(one.encode().utf8)) == one)
    }
  }

  @Test("a status without placements still decodes; unknown placement words are left out")
  func oldAndUnknown() throws {
    let old = try #require(StatusMessage.decode(Array(#"{"state":"online","agent":"a","version":"0.1.0"}"#.utf8)))
    #expect(old.placements == nil)
    let odd = try #require(
      StatusMessage.decode(
        Array(#"{"state":"online","agent":"a","placements":{"x":"pulp","y":"simulant","z":3}}"#.utf8)))
    #expect(odd.placements == ["y": .simulant])
  }
}
