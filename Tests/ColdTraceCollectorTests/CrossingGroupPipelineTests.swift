import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

@testable import ColdTraceCollector

/// Probes of one room crossing the same limit together, through the real ingest pipeline on real SQLite files, in
/// event time: one room alert and one outbox row for the lot, each probe's own alert still recorded; a lone probe
/// notified as always; the wait and the group survive a restart (`CrossingGroupRule`).
@Suite("Crossing groups through the ingest pipeline", .timeLimit(.minutes(10)))
struct CrossingGroupPipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let rule = CrossingGroupRule(waitSeconds: 60)

  private func at(minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }

  private func store() throws -> SQLiteStore {
    let directory = try TemporaryDirectory.make(prefix: "crossing")
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    store.useNotificationRouting(NotificationRouting(routes: [NotificationRoute(channel: "sms")], clock: ManualClock()))
    return store
  }

  /// One reading of `sensor` in hongxuan/cold1 (litchi: critical above 8 °C for 10 min).
  @discardableResult
  private func read(_ pipeline: IngestPipeline, _ sensor: String, _ tempC: Double, minute: Double, seq: Int64) throws
    -> [CommittedAlert]
  {
    let sample = Sample(seq: seq, ts: at(minutes: minute), tempC: tempC)
    let payload = Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample).utf8)
    let outcome = try payload.withUnsafeBytes {
      try pipeline.ingest(
        topic: "coldtrace/v1/reading/hongxuan/cold1/\(sensor)", payload: $0, receivedAt: at(minutes: minute))
    }
    guard case .stored(_, _, let alerts) = outcome.outcomes.first else { return [] }
    return alerts
  }

  /// Every probe of `sensors` reads `temperature(sensor, minute)` each minute of `minutes`, a few seconds apart.
  private func run(
    _ pipeline: IngestPipeline, _ sensors: [String], minutes: ClosedRange<Int>,
    temperature: (String, Int) -> Double
  ) throws {
    for minute in minutes {
      for (index, sensor) in sensors.enumerated() {
        try read(
          pipeline, sensor, temperature(sensor, minute), minute: Double(minute) + Double(index) / 60,
          seq: Int64(minute) + 1)
      }
    }
  }

  private let six = (1...6).map { "probe-\($0)" }

  @Test func sixProbesCrossingTogetherAreOneRoomAlertAndOneNotificationUntilTheLastRecovers() throws {
    let store = try store()
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    // 4 °C, then 9 °C from minute 5: each probe's critical high opens at minute 15, within seconds of the others.
    try run(pipeline, six, minutes: 0...20) { _, minute in minute < 5 ? 4 : 9 }

    let alerts = try store.alerts(AlertFilter())
    let probes = alerts.filter { $0.sensor != "*" && $0.kind == .tempHigh }
    #expect(probes.count == 6 && probes.allSatisfy { $0.state == .open }, "each probe's own alert is recorded")
    let rooms = alerts.filter { $0.sensor == "*" }
    #expect(rooms.count == 1)
    let room = try #require(rooms.first)
    #expect((room.site, room.room, room.kind, room.severity) == ("hongxuan", "cold1", .tempHigh, .critical))
    #expect(room.message.hasPrefix("6 probes of room cold1 (hongxuan) temperature above 8 °C together"))
    #expect(six.allSatisfy { room.message.contains($0) }, "\(room.message)")
    #expect(room.openedAt == probes.map(\.openedAt).min(), "opened at the first crossing, in event time")
    var rows = try store.notifications(channel: "sms")
    #expect(rows.filter { $0.state == "pending" }.map(\.alertID) == [room.id], "one message for the room")
    #expect(rows.filter { $0.state == "grouped" }.count == 6, "each probe's row kept, never sent")

    // They recover one by one: the room's alert resolves with the last.
    try run(pipeline, Array(six.prefix(5)), minutes: 21...22) { _, _ in 4 }
    #expect(try store.alert(id: room.id)?.state == .open)
    try run(pipeline, six, minutes: 23...24) { _, _ in 4 }
    #expect(try store.alert(id: room.id)?.state == .resolved)
    #expect(try store.alerts(AlertFilter()).filter { $0.sensor != "*" }.allSatisfy { $0.state == .resolved })
    rows = try store.notifications(channel: "sms")
    #expect(rows.filter { $0.state == "pending" }.map(\.event) == ["opened", "resolved"])
    #expect(rows.filter { $0.state == "pending" }.allSatisfy { $0.alertID == room.id })
  }

  @Test func aProbeCrossingAloneIsNotifiedOnItsOwnOnceTheWaitEnds() throws {
    let store = try store()
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    try run(pipeline, six, minutes: 0...15) { sensor, minute in sensor == "probe-3" && minute >= 5 ? 9 : 4 }
    // Its alert opened at minute 15, its row held for the wait (until minute 16 of event time).
    #expect(try store.notifications(channel: "sms").map(\.state) == ["held"])
    try run(pipeline, six, minutes: 16...17) { sensor, _ in sensor == "probe-3" ? 9 : 4 }
    let alerts = try store.alerts(AlertFilter())
    #expect(alerts.count == 1 && alerts.first?.sensor == "probe-3")
    let rows = try store.notifications(channel: "sms")
    #expect(rows.map(\.state) == ["pending"] && rows.first?.alertID == alerts.first?.id)
    #expect(rows.first?.line.contains("\"sensor\":\"probe-3\"") == true)
  }

  @Test func theWaitAndTheGroupSurviveARestartAndALaterCrossingJoinsSilently() throws {
    let store = try store()
    var pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    let seven = six + ["probe-7"]
    let warm: (String, Int) -> Double = { sensor, minute in
      sensor == "probe-7" ? (minute >= 8 ? 9 : 4) : (minute < 5 ? 4 : 9)
    }
    try run(pipeline, seven, minutes: 0...15, temperature: warm)
    #expect(try store.notifications(channel: "sms").map(\.state) == Array(repeating: "held", count: 6))
    // The collector restarts in the middle of the wait: the next minutes decide it.
    pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    try run(pipeline, seven, minutes: 16...17, temperature: warm)
    let room = try #require(try store.alerts(AlertFilter()).first { $0.sensor == "*" })
    #expect(room.message.hasPrefix("6 probes"))
    // probe-7 crosses at minute 18, the room's alert open: it joins without a message of its own.
    pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    try run(pipeline, seven, minutes: 18...19, temperature: warm)
    let joined = try #require(try store.alert(id: room.id))
    #expect(joined.message.hasPrefix("7 probes") && joined.message.contains("probe-7"), "\(joined.message)")
    let rows = try store.notifications(channel: "sms")
    #expect(rows.filter { $0.state == "pending" }.map(\.alertID) == [room.id])
    #expect(rows.filter { $0.state == "grouped" }.count == 6, "a later member queues nothing")
  }

  @Test func retiringTheLastOpenMemberResolvesTheRoomAlert() throws {
    let store = try store()
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    let two = Array(six.prefix(2))
    try run(pipeline, two, minutes: 0...17) { _, minute in minute < 5 ? 4 : 9 }
    let room = try #require(try store.alerts(AlertFilter()).first { $0.sensor == "*" })
    try run(pipeline, ["probe-1"], minutes: 18...18) { _, _ in 4 }
    #expect(try store.alert(id: room.id)?.state == .open, "probe-2 is still past the limit")
    // probe-2's cable is cut: the shell retires it, which resolves its alert, and with it the room's.
    let events = try store.write { tx in
      try tx.retireProbe(
        ProbeKey(site: "hongxuan", sensor: "probe-2"), reason: "cable cut", by: "lan", at: at(minutes: 19))
    }
    #expect(events.map(\.alert.sensor) == ["probe-2", "*"])
    #expect(try store.alert(id: room.id)?.state == .resolved)
  }

  /// A probe crossing, recovering and crossing again within one (long) wait is one probe: notified on its own, not
  /// a room alert of "2 probes" that would then swallow its later crossings.
  @Test func oneProbeFlappingWithinTheWaitIsNotAGroup() throws {
    let store = try store()
    let pipeline = try IngestPipeline(
      store: store, products: ProductAssignment(), crossingGroups: CrossingGroupRule(waitSeconds: 3600))
    try run(pipeline, ["probe-3"], minutes: 0...80) { _, minute in (5..<17).contains(minute) || minute >= 20 ? 9 : 4 }
    let alerts = try store.alerts(AlertFilter())
    #expect(alerts.filter { $0.sensor == "probe-3" && $0.severity == .critical }.count == 2, "it crossed twice")
    #expect(alerts.allSatisfy { $0.sensor != "*" }, "no room alert for one probe")
    let rows = try store.notifications(channel: "sms")
    #expect(!rows.isEmpty && rows.allSatisfy { $0.state == "pending" }, "\(rows.map(\.state))")
  }

  /// A lone probe retired while its crossing waits: the resolution is held with the opening, and both go out in
  /// order once the wait is decided (never "resolved" for an alarm nobody was sent).
  @Test func aProbeRetiredInItsWaitIsNotifiedOpenedThenResolved() throws {
    let store = try store()
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    try run(pipeline, six, minutes: 0...15) { sensor, minute in sensor == "probe-3" && minute >= 5 ? 9 : 4 }
    _ = try store.write { tx in
      try tx.retireProbe(
        ProbeKey(site: "hongxuan", sensor: "probe-3"), reason: "cable cut", by: "lan", at: at(minutes: 15.5))
    }
    #expect(try store.notifications(channel: "sms").allSatisfy { $0.state == "held" })
    try run(pipeline, six.filter { $0 != "probe-3" }, minutes: 16...17) { _, _ in 4 }
    let rows = try store.notifications(channel: "sms")
    #expect(rows.map(\.state) == ["pending", "pending"] && rows.map(\.event) == ["opened", "resolved"], "\(rows)")
  }

  /// A room the collector never saw, its first crossing in one backfill with readings past the wait's end: the
  /// wait is decided within that batch, and the lone probe is notified.
  @Test func aFirstCrossingInABackfillIsDecidedInTheSameBatch() throws {
    let store = try store()
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    let samples = (0...20).map { Sample(seq: Int64($0) + 1, ts: at(minutes: Double($0)), tempC: $0 >= 5 ? 9 : 4) }
    let payload = Array(ReadingEncoder.encodeBatch(agent: "hx-edge-1", samples: samples).utf8)
    _ = try payload.withUnsafeBytes {
      try pipeline.ingest(
        topic: "coldtrace/v1/reading/hongxuan/cold1/probe-3", payload: $0, receivedAt: at(minutes: 21))
    }
    let rows = try store.notifications(channel: "sms")
    #expect(!rows.isEmpty && rows.allSatisfy { $0.state == "pending" }, "\(rows.map(\.state))")

    // The same in one group commit of two messages: the crossing in the first, another probe's reading past the
    // wait's end in the second.
    let fresh = try self.store()
    let grouped = try IngestPipeline(store: fresh, products: ProductAssignment(), crossingGroups: rule)
    let decode = { (sensor: String, samples: [Sample]) in
      try ReadingDecoder.decode(
        topic: "coldtrace/v1/reading/hongxuan/cold1/\(sensor)",
        payload: Array(ReadingEncoder.encodeBatch(agent: "hx-edge-1", samples: samples).utf8), now: at(minutes: 21)
      ).get()
    }
    _ = try grouped.commitGroup([
      try decode("probe-3", Array(samples.prefix(16))),
      try decode("probe-4", [Sample(seq: 1, ts: at(minutes: 18), tempC: 4)]),
    ])
    let groupedRows = try fresh.notifications(channel: "sms")
    #expect(!groupedRows.isEmpty && groupedRows.allSatisfy { $0.state == "pending" }, "\(groupedRows.map(\.state))")
  }

  @Test func aQuietRoomsWaitIsDecidedByTheTimer() throws {
    let store = try store()
    let pipeline = try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
    try run(pipeline, Array(six.prefix(3)), minutes: 0...15) { _, minute in minute < 5 ? 4 : 9 }
    #expect(try store.alerts(AlertFilter()).allSatisfy { $0.sensor != "*" })
    // Nothing more arrives: the timer notices the wait, then decides it one wait later.
    let now = at(minutes: 16)
    #expect(pipeline.decideQuietGroupWaits(now: now).committed.alerts.isEmpty)
    #expect(pipeline.decideQuietGroupWaits(now: now.adding(seconds: 59)).committed.alerts.isEmpty)
    let decided = pipeline.decideQuietGroupWaits(now: now.adding(seconds: 60))
    #expect(decided.failure == nil)
    #expect(decided.committed.alerts.map(\.key.sensor) == ["*"])
    #expect(try store.notifications(channel: "sms").filter { $0.state == "pending" }.count == 1)
  }
}
