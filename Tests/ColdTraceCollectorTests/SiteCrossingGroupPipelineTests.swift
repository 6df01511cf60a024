import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

@testable import ColdTraceCollector

/// Probes of several rooms of one site crossing the same limit within one group wait (a refrigeration plant serving
/// them fails), through the real ingest pipeline on real SQLite files, in event time: one site alert (room `-`,
/// sensor `*`) naming the rooms and probes and one outbox row; one room alone keeps its room alert; rooms crossing
/// far apart are separate alerts; later crossings join silently; a restart or a quiet site still decides the wait.
@Suite("Site crossing groups through the ingest pipeline", .timeLimit(.minutes(10)))
struct SiteCrossingGroupPipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let rule = CrossingGroupRule(waitSeconds: 60)

  private func at(minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }

  private func store(routes: [NotificationRoute] = [NotificationRoute(channel: "sms")]) throws -> SQLiteStore {
    let directory = try TemporaryDirectory.make(prefix: "site-crossing")
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    store.useNotificationRouting(NotificationRouting(routes: routes, clock: ManualClock()))
    return store
  }

  private func pipeline(_ store: SQLiteStore) throws -> IngestPipeline {
    try IngestPipeline(store: store, products: ProductAssignment(), crossingGroups: rule)
  }

  /// A probe of site hongxuan: `room/sensor`.
  private struct Probe {
    var room: String
    var sensor: String
  }

  private func probes(_ room: String, _ sensors: ClosedRange<Int>) -> [Probe] {
    sensors.map { Probe(room: room, sensor: "probe-\($0)") }
  }

  /// Every probe reads `temperature(probe, minute)` each minute of `minutes`, a second apart (litchi: warning above
  /// 5 °C for 45 min, critical above 8 °C for 10 min).
  private func run(
    _ pipeline: IngestPipeline, _ probes: [Probe], minutes: ClosedRange<Int>, temperature: (Probe, Int) -> Double
  ) throws {
    for minute in minutes {
      for (index, probe) in probes.enumerated() {
        let sample = Sample(
          seq: Int64(minute) + 1, ts: at(minutes: Double(minute) + Double(index) / 60),
          tempC: temperature(probe, minute))
        let payload = Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample).utf8)
        _ = try payload.withUnsafeBytes {
          try pipeline.ingest(
            topic: "coldtrace/v1/reading/hongxuan/\(probe.room)/\(probe.sensor)", payload: $0,
            receivedAt: sample.ts)
        }
      }
    }
  }

  private func groups(_ store: SQLiteStore) throws -> [AlertRecord] {
    try store.alerts(AlertFilter()).filter { $0.sensor == "*" }
  }

  @Test func twoRoomsCrossingTogetherAreOneSiteAlertAndOneNotificationUntilTheLastRecovers() throws {
    let store = try store()
    let pipeline = try pipeline(store)
    let site = probes("cold1", 1...3) + probes("cold2", 4...5)
    // 4 °C, then 9 °C from minute 5: every probe's critical high opens at minute 15, within seconds of the others.
    try run(pipeline, site, minutes: 0...17) { _, minute in minute < 5 ? 4 : 9 }

    let alerts = try store.alerts(AlertFilter())
    let members = alerts.filter { $0.sensor != "*" }
    #expect(members.count == 5 && members.allSatisfy { $0.state == .open }, "each probe's own alert is recorded")
    let groups = try groups(store)
    #expect(groups.count == 1, "one alert for the site, not one per room: \(groups.map(\.room))")
    let group = try #require(groups.first)
    #expect((group.site, group.room, group.kind, group.severity) == ("hongxuan", "-", .tempHigh, .critical))
    #expect(
      group.message.hasPrefix(
        "5 probes in 2 rooms of site hongxuan (cold1, cold2) temperature above 8 °C together (litchi, critical): "
          + "cold1: probe-1 (peak 9 °C), probe-2 (peak 9 °C), probe-3 (peak 9 °C); cold2: probe-4"), "\(group.message)")
    #expect(group.openedAt == members.map(\.openedAt).min(), "opened at the first crossing, in event time")
    var rows = try store.notifications(channel: "sms")
    #expect(rows.filter { $0.state == "pending" }.map(\.alertID) == [group.id], "one message for the site")
    #expect(rows.filter { $0.state == "grouped" }.count == 5)

    // cold1 recovers, then cold2: the site's alert resolves with the last probe.
    try run(pipeline, site, minutes: 18...19) { probe, _ in probe.room == "cold1" ? 4 : 9 }
    #expect(try store.alert(id: group.id)?.state == .open)
    try run(pipeline, site, minutes: 20...21) { _, _ in 4 }
    let resolved = try #require(try store.alert(id: group.id))
    #expect(resolved.state == .resolved)
    #expect(resolved.message == "all 5 probes in 2 rooms of site hongxuan are back inside their temp_high limit")
    rows = try store.notifications(channel: "sms")
    #expect(rows.filter { $0.state == "pending" }.map(\.event) == ["opened", "resolved"])
    #expect(rows.filter { $0.state == "pending" }.allSatisfy { $0.alertID == group.id }, "\(rows.map(\.line))")
  }

  @Test func oneRoomCrossingAloneKeepsItsRoomAlert() throws {
    let store = try store()
    let pipeline = try pipeline(store)
    let site = probes("cold1", 1...3) + probes("cold2", 4...5)
    try run(pipeline, site, minutes: 0...17) { probe, minute in probe.room == "cold1" && minute >= 5 ? 9 : 4 }
    let groups = try groups(store)
    #expect(groups.map(\.room) == ["cold1"])
    #expect(groups.first?.message.hasPrefix("3 probes of room cold1 (hongxuan)") == true)
  }

  @Test func roomsCrossingFarApartAreSeparateAlerts() throws {
    let store = try store()
    let pipeline = try pipeline(store)
    let site = probes("cold1", 1...2) + probes("cold2", 3...4) + probes("cold3", 5...5)
    // cold1 crosses at minute 15; cold2 at minute 25 and cold3's one probe at minute 35, each long after the wait.
    try run(pipeline, site, minutes: 0...37) { probe, minute in
      let warmFrom = ["cold1": 5, "cold2": 15, "cold3": 25][probe.room] ?? 99
      return minute >= warmFrom ? 9 : 4
    }
    #expect(try groups(store).map(\.room).sorted() == ["cold1", "cold2"], "a room alert each, no site alert")
    let rows = try store.notifications(channel: "sms").filter { $0.state == "pending" }
    let alone = try #require(try store.alerts(AlertFilter()).first { $0.sensor == "probe-5" })
    #expect(rows.count == 3 && rows.contains { $0.alertID == alone.id }, "cold3's probe is notified on its own")
  }

  @Test func laterCrossingsInOtherRoomsJoinSilentlyAndACriticalEscalatesTheSiteAlert() throws {
    let store = try store()
    let pipeline = try pipeline(store)
    let site = probes("cold1", 1...1) + probes("cold2", 2...2) + probes("cold3", 3...3)
    // cold1 and cold2 at 6 °C: a warning each at minute 45, together. cold3 at 9 °C from minute 50: critical at 60.
    let warm: (Probe, Int) -> Double = { probe, minute in
      probe.room == "cold3" ? (minute >= 50 ? 9 : 4) : 6
    }
    try run(pipeline, site, minutes: 0...47, temperature: warm)
    let group = try #require(try groups(store).first)
    #expect((group.room, group.severity) == ("-", .warning))
    #expect(group.message.hasPrefix("2 probes in 2 rooms of site hongxuan (cold1, cold2)"), "\(group.message)")
    try run(pipeline, site, minutes: 48...61, temperature: warm)
    let escalated = try #require(try store.alert(id: group.id))
    #expect(try groups(store).count == 1, "cold3 joins the site's alert, no alert of its own")
    #expect(escalated.severity == .critical)
    #expect(escalated.message.hasPrefix("3 probes in 3 rooms of site hongxuan (cold1, cold2, cold3)"))
    let pending = try store.notifications(channel: "sms").filter { $0.state == "pending" }
    #expect(pending.map(\.event) == ["opened", "escalated"] && pending.allSatisfy { $0.alertID == group.id })
  }

  @Test func aRestartInTheMiddleOfTheWaitStillMakesOneSiteAlert() throws {
    let store = try store()
    var pipeline = try pipeline(store)
    let site = probes("cold1", 1...2) + probes("cold2", 3...4)
    let warm: (Probe, Int) -> Double = { _, minute in minute < 5 ? 4 : 9 }
    try run(pipeline, site, minutes: 0...15, temperature: warm)
    #expect(try store.notifications(channel: "sms").map(\.state) == Array(repeating: "held", count: 4))
    // The collector restarts during the wait: the wait is read back per site and the next readings decide it.
    pipeline = try self.pipeline(store)
    try run(pipeline, probes("cold2", 3...3), minutes: 16...17, temperature: warm)
    let group = try #require(try groups(store).first)
    #expect(group.room == "-" && group.message.hasPrefix("4 probes in 2 rooms"), "\(group.message)")
    #expect(try store.notifications(channel: "sms").filter { $0.state == "pending" }.map(\.alertID) == [group.id])
  }

  @Test func aQuietSitesWaitIsDecidedByTheTimer() throws {
    let store = try store()
    let pipeline = try pipeline(store)
    try run(pipeline, probes("cold1", 1...1) + probes("cold2", 2...2), minutes: 0...15) { _, minute in
      minute < 5 ? 4 : 9
    }
    // The site's power goes with its cooling: nothing more arrives. The timer decides the wait one wait later.
    let now = at(minutes: 16)
    #expect(pipeline.decideQuietGroupWaits(now: now).committed.alerts.isEmpty)
    let decided = pipeline.decideQuietGroupWaits(now: now.adding(seconds: 60))
    #expect(decided.failure == nil)
    #expect(decided.committed.alerts.map { "\($0.key.room)/\($0.key.sensor)" } == ["-/*"])
  }

  /// A channel routed to one room (`rooms`) never hears of the site's alert (room `-`): it is sent that room's
  /// probes as if there were no grouping, while the site-wide channel gets the one site alert.
  @Test func aChannelForOneRoomStillHearsOfItsProbes() throws {
    var cold2 = NotificationRoute(channel: "cold2-desk")
    cold2.rooms = ["hongxuan/cold2"]
    let store = try store(routes: [NotificationRoute(channel: "sms"), cold2])
    let pipeline = try pipeline(store)
    let site = probes("cold1", 1...2) + probes("cold2", 3...4) + probes("cold3", 5...5)
    try run(pipeline, site, minutes: 0...17) { probe, minute in probe.room != "cold3" && minute >= 5 ? 9 : 4 }
    let group = try #require(try groups(store).first)
    #expect(group.room == "-")
    #expect(try store.notifications(channel: "sms").filter { $0.state == "pending" }.map(\.alertID) == [group.id])
    let desk = try store.notifications(channel: "cold2-desk")
    #expect(desk.count == 2 && desk.allSatisfy { $0.state == "pending" && $0.room == "cold2" }, "\(desk)")
    // cold3 warms from minute 18 and crosses at 28: it joins the site's alert; the cold2 desk hears nothing of it.
    try run(pipeline, site, minutes: 18...29) { _, _ in 9 }
    #expect(try store.notifications(channel: "cold2-desk").count == 2)
    #expect(try store.alert(id: group.id)?.message.contains("cold3: probe-5") == true)
    #expect(try store.notifications(channel: "sms").filter { $0.state == "pending" }.count == 1)
  }

  /// Rooms silenced each on its own (cleaning) crossing together make no site alert, which their silences would not
  /// cover: each room's alert is held back by its silence as without site grouping; a room heard alongside two
  /// silenced ones is decided on its own too.
  @Test func silencedRoomsTakeNoPartInASiteAlert() throws {
    let store = try store()
    try store.write { tx in
      for room in ["cold1", "cold2"] {
        _ = try tx.addSilence(
          SilenceScope(site: "hongxuan", room: room), from: at(minutes: -60), until: at(minutes: 600),
          reason: "cleaning", by: "lan")
      }
    }
    let pipeline = try pipeline(store)
    let site = probes("cold1", 1...2) + probes("cold2", 3...4) + probes("cold3", 5...5)
    try run(pipeline, site, minutes: 0...17) { _, minute in minute < 5 ? 4 : 9 }
    let groups = try groups(store)
    #expect(groups.map(\.room).sorted() == ["cold1", "cold2"], "no site alert: \(groups.map(\.message))")
    #expect(groups.allSatisfy { $0.silenced != nil }, "each room's alert held back by its silence")
    let rows = try store.notifications(channel: "sms")
    let alone = try #require(try store.alerts(AlertFilter()).first { $0.sensor == "probe-5" })
    #expect(rows.map(\.alertID) == [alone.id] && rows.first?.state == "pending", "only cold3's probe is sent")
  }
}
