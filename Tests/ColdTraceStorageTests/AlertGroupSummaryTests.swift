import ColdTraceCore
import TestSupport
import Testing

@testable import ColdTraceStorage

/// A room alert brought up to date as a later member joins it silently: its message, peak and lots follow the
/// member, so the later member's lot's report lists the room alert too.
struct AlertGroupSummaryTests {
  @Test func aLaterMembersLotsJoinTheRoomAlert() throws {
    let directory = try TemporaryDirectory.make(prefix: "group-summary")
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    let at = Timestamp(seconds: 1_780_000_000)
    let opening = CrossingGroupRule.opening(
      site: "hx", room: "cold1", kind: .tempHigh,
      members: [.init(sensor: "p1", severity: .warning, limit: 5, peak: 6, productID: "litchi")], at: at)
    let group = try store.write { tx in try tx.apply(opening, lots: ["LT-A"]) }
    let (update, _) = CrossingGroupRule.update(
      site: "hx", room: "cold1", kind: .tempHigh,
      members: [
        .init(sensor: "p1", severity: .warning, limit: 5, peak: 6, productID: "litchi"),
        .init(sensor: "p2", severity: .warning, limit: 5, peak: 7, productID: "litchi"),
      ], groupSeverity: .warning, at: at.adding(seconds: 60))
    try store.write { tx in try tx.updateGroupSummary(group.alert.id, with: update, lots: ["LT-B", "LT-A"]) }
    let stored = try #require(try store.alert(id: group.alert.id))
    #expect(stored.lots == ["LT-A", "LT-B"])
    #expect(stored.message == update.message && stored.peak == 7)
  }
}
