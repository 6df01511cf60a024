import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

@testable import ColdTraceCollector

/// `clock_skew` stored and journalled like the other agent alerts, and still open for a restarted collector.
struct ClockSkewTrackerTests {
  private let start = Timestamp(seconds: 1_780_000_000)
  private let rule = ClockSkewRule(marginSeconds: 120, sustainSeconds: 60)

  /// Messages every 30 s from `from` on, the agent's clock `offset` seconds off; the events they committed.
  private func feed(
    _ tracker: ClockSkewTracker, offset: Double, from: Double, count: Int
  ) throws -> [CommittedEvents] {
    try (0..<count).map { index in
      let received = start.adding(seconds: from + Double(index) * 30)
      return try tracker.observe(
        site: "hongxuan", agent: "hx-edge-1", sent: received.adding(seconds: offset), received: received)
    }
  }

  @Test func itOpensIsJournalledAndStaysOpenAcrossARestartUntilTheClockAgrees() throws {
    let database = try TemporaryDirectory.make(prefix: "skew").appendingPathComponent("c.db").path
    let store = try SQLiteStore(path: database)
    let opened = try feed(try ClockSkewTracker(rule: rule, store: store), offset: -10_800, from: 0, count: 4)
      .flatMap(\.alerts)
    #expect(opened.count == 1 && opened.first?.event.alert.kind == .clockSkew)
    #expect(opened.first?.event.line.contains(#""event":"opened""#) == true)
    #expect(opened.first?.key == SensorKey(site: "hongxuan", room: "-", sensor: "hx-edge-1"))
    var filter = AlertFilter()
    filter.state = .open
    #expect(try store.alerts(filter).map(\.kind) == [.clockSkew])

    // A new collector reads the open alert back: an agreeing clock resolves it, a skewed one opens nothing new.
    let restarted = try ClockSkewTracker(rule: rule, store: try SQLiteStore(path: database))
    #expect(restarted.skewedAgents == [AgentKey(site: "hongxuan", agent: "hx-edge-1")])
    #expect(try feed(restarted, offset: -10_800, from: 200, count: 4).allSatisfy { $0.alerts.isEmpty })
    let resolved = try feed(restarted, offset: 0.3, from: 400, count: 4).flatMap(\.alerts)
    #expect(resolved.count == 1 && resolved.first?.event.alert.state == .resolved)
    #expect(try store.alerts(filter).isEmpty && restarted.skewedAgents.isEmpty)
  }
}
