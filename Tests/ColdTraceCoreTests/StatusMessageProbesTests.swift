import ColdTraceCore
import Testing

@Suite("Status message probes", .timeLimit(.minutes(10)))
struct StatusMessageProbesTests {
  @Test func probesRoundTripAndBadEntriesAreDropped() {
    let message = StatusMessage(
      state: "online", sender: .agent("hx-edge-1"), version: "0.1.0", ts: nil,
      probes: ["cold2-air": "cold2", "cold2-door": "cold2"])
    #expect(message.encode().contains(#""probes":{"cold2-air":"cold2","cold2-door":"cold2"}"#))
    #expect(StatusMessage.decode(Array(message.encode().utf8))?.probes == message.probes)
    let hostile = #"{"state":"online","agent":"a","probes":{"ok":"cold2","bad id":"cold2","x":"c/2","y":3}}"#
    #expect(StatusMessage.decode(Array(hostile.utf8))?.probes == ["ok": "cold2"])
    #expect(StatusMessage.decode(Array(#"{"state":"online","agent":"a"}"#.utf8))?.probes == nil)
  }
}
