import ColdTraceCore
import Foundation
import TestSupport
import Testing

@testable import ColdTraceStorage

/// The durable notification outbox: rows committed with the alert events that cause them, one per channel the event
/// is routed to, handed out per room in order, superseded by a delivered resolution, given up after their time.
struct NotificationOutboxTests {
  private let key = SensorKey(site: "hx", room: "cold2", sensor: "p1")

  func store(_ routes: [NotificationRoute], clock: ManualClock) throws -> SQLiteStore {
    let directory = try TemporaryDirectory.make(prefix: "outbox")
    let store = try SQLiteStore(path: directory.appendingPathComponent("o.db").path)
    store.useNotificationRouting(NotificationRouting(routes: routes, clock: clock))
    return store
  }

  func event(
    _ type: AlertEventType, _ key: SensorKey? = nil, severity: Severity = .critical, at: Timestamp
  ) -> AlertEvent {
    AlertEvent(
      type: type, key: key ?? self.key, kind: .tempHigh, severity: severity, productID: "litchi", at: at, limit: 8,
      value: 9, peak: 9, message: "m")
  }

  @Test func anEventIsQueuedForEveryMatchingChannelInItsOwnTransactionAndNotWhenItRollsBack() throws {
    let clock = ManualClock()
    var warningsOnly = NotificationRoute(channel: "sms")
    warningsOnly.severities = [.warning]
    var cold2 = NotificationRoute(channel: "email")
    cold2.rooms = ["hx/cold2"]
    let store = try store([warningsOnly, cold2], clock: clock)
    let opened = try store.write { tx in try tx.apply(event(.opened, at: clock.now())) }
    #expect(try store.notifications(channel: "sms").isEmpty, "a critical is not for a warnings-only channel")
    let rows = try store.notifications(channel: "email")
    #expect(rows.map(\.eventID) == [opened.eventID])
    #expect(rows[0].line == opened.line && rows[0].state == "pending" && rows[0].queuedAt == clock.now())
    struct Abort: Error {}
    #expect(throws: Abort.self) {
      try store.write { tx in
        _ = try tx.apply(event(.resolved, at: clock.now()))
        throw Abort()
      }
    }
    #expect(try store.notifications(channel: "email").count == 1, "the row goes with its event's transaction")
    let acked = try store.write { tx in
      try tx.acknowledge(alertID: opened.alert.id, by: "lan", note: nil, at: clock.now())
    }
    #expect(acked.eventID > opened.eventID)
    #expect(try store.notifications(channel: "email").count == 1, "an acknowledgement notifies nobody")
  }

  @Test func aSilencedEventIsNotQueuedButItsReleaseIs() throws {
    let clock = ManualClock()
    let store = try store([NotificationRoute(channel: "sms")], clock: clock)
    let now = clock.now()
    _ = try store.write { tx in
      try tx.addSilence(
        try SilenceScope.parse("hx/cold2"), from: now, until: now.adding(seconds: 60), reason: "cleaning", by: "lan")
    }
    let opened = try store.write { tx in try tx.apply(event(.opened, at: now.adding(seconds: 1))) }
    #expect(opened.silencedBy != nil)
    #expect(try store.notifications(channel: "sms").isEmpty)
    let released = try store.write { tx in try tx.releaseSilencedAlerts(now: now.adding(seconds: 61)) }
    #expect(try store.notifications(channel: "sms").map(\.event) == ["unsilenced"])
    #expect(try store.notifications(channel: "sms").map(\.eventID) == released.map(\.eventID))
  }

  @Test func batchesGoPerRoomInOrderAfterTheGroupingWindow() throws {
    let clock = ManualClock()
    let store = try store([NotificationRoute(channel: "sms")], clock: clock)
    let other = SensorKey(site: "hx", room: "cold3", sensor: "q1")
    _ = try store.write { tx in try tx.apply(event(.opened, at: clock.now())) }
    _ = try store.write { tx in try tx.apply(event(.opened, other, at: clock.now())) }
    clock.advance(seconds: 2)
    _ = try store.write { tx in
      try tx.apply(event(.opened, SensorKey(site: "hx", room: "cold2", sensor: "p2"), at: clock.now()))
    }
    func batch() throws -> [NotificationRow] {
      try store.write { tx in try tx.nextNotificationBatch(channel: "sms", now: clock.now(), groupSeconds: 5) }
    }
    #expect(try batch().isEmpty, "the first row of a room waits for the grouping window")
    clock.advance(seconds: 3)
    let cold2 = try batch()
    #expect(cold2.map(\.room) == ["cold2", "cold2"], "one run for the room, both probes")
    try store.write { tx in try tx.markNotificationsDelivered(cold2.map(\.id), channel: "sms", at: clock.now()) }
    #expect(try batch().map(\.room) == ["cold3"])
  }

  @Test func aDeliveredResolutionSupersedesOlderRowsOfItsAlert() throws {
    let clock = ManualClock()
    let store = try store([NotificationRoute(channel: "sms")], clock: clock)
    _ = try store.write { tx in try tx.apply(event(.opened, at: clock.now())) }
    let opened = try store.notifications(channel: "sms")[0]
    // The opening failed and waits for its retry in an hour; the resolution is due now and alone.
    try store.write { tx in
      try tx.markNotificationsFailed(
        [opened.id], error: "down", at: clock.now(), retryAt: clock.now().adding(seconds: 3600))
    }
    _ = try store.write { tx in try tx.apply(event(.resolved, at: clock.now())) }
    let resolved = try #require(try store.notifications(channel: "sms").last)
    try store.write { tx in try tx.markNotificationsDelivered([resolved.id], channel: "sms", at: clock.now()) }
    #expect(try store.notifications(channel: "sms").map(\.state) == ["superseded", "delivered"])
  }

  @Test func aFailingRoomCarriesItsNewRowsAlongAndRowsAreGivenUpAfterTheirTime() throws {
    let clock = ManualClock()
    var route = NotificationRoute(channel: "sms")
    route.giveUpSeconds = 7200
    let store = try store([route], clock: clock)
    _ = try store.write { tx in try tx.apply(event(.opened, at: clock.now())) }
    let first = try store.notifications(channel: "sms")[0]
    try store.write { tx in
      try tx.markNotificationsFailed(
        [first.id], error: "down", at: clock.now(), retryAt: clock.now().adding(seconds: 600))
    }
    clock.advance(seconds: 10)
    _ = try store.write { tx in
      try tx.apply(event(.opened, SensorKey(site: "hx", room: "cold2", sensor: "p2"), at: clock.now()))
    }
    let batch = try store.write { tx in try tx.nextNotificationBatch(channel: "sms", now: clock.now(), groupSeconds: 0)
    }
    #expect(batch.count == 2 && batch[0].id == first.id, "the alarm waiting for its retry goes first, with the new one")
    clock.advance(seconds: 7200)
    let expired = try store.write { tx in try tx.expireNotifications(channel: "sms", now: clock.now()) }
    #expect(expired.map(\.id) == batch.map(\.id))
    #expect(try store.notifications(channel: "sms").allSatisfy { $0.state == "given_up" })
    let status = try #require(try store.notificationStatus().first)
    #expect(status.givenUp == 2 && status.pending == 0 && status.lastError == "down")
  }

  @Test func anUnacknowledgedAlertIsEscalatedOncePerChannelAndAnAcknowledgementBeforeCancelsIt() throws {
    let clock = ManualClock()
    var route = NotificationRoute(channel: "sms")
    route.escalateAfterSeconds = 600
    let store = try store([route], clock: clock)
    let first = try store.write { tx in try tx.apply(event(.opened, at: clock.now())) }
    let second = try store.write { tx in
      try tx.apply(event(.opened, SensorKey(site: "hx", room: "cold3", sensor: "q1"), at: clock.now()))
    }
    func escalate() throws -> Int { try store.write { tx in try tx.queueEscalations(route: route, now: clock.now()) } }
    clock.advance(seconds: 599)
    #expect(try escalate() == 0)
    _ = try store.write { tx in try tx.acknowledge(alertID: second.alert.id, by: "lan", note: nil, at: clock.now()) }
    clock.advance(seconds: 2)
    #expect(try escalate() == 1)
    #expect(try escalate() == 0, "once per alert and channel")
    let escalation = try #require(try store.notifications(channel: "sms").last)
    #expect(escalation.escalation && escalation.alertID == first.alert.id && escalation.event == "escalation")
    #expect(escalation.line.contains("\"event\":\"escalation\""))
  }

  @Test func aWarningInQuietHoursWaitsForTheirEndAndACriticalDoesNot() throws {
    // 1_780_000_000 is 2026-05-28 20:26:40 UTC, 03:26:40 at +07:00.
    let clock = ManualClock()
    var route = NotificationRoute(channel: "sms")
    route.quietHours = QuietHours.parse("21:00-06:00", offsetMinutes: 420)
    let store = try store([route], clock: clock)
    _ = try store.write { tx in try tx.apply(event(.opened, severity: .warning, at: clock.now())) }
    _ = try store.write { tx in
      try tx.apply(event(.opened, SensorKey(site: "hx", room: "cold3", sensor: "q1"), at: clock.now()))
    }
    let rows = try store.notifications(channel: "sms")
    #expect(rows[0].dueAt == Timestamp(seconds: 1_780_000_000 + 9200), "06:00 local")
    #expect(rows[1].dueAt == clock.now())
  }
}

extension NotificationOutboxTests {
  @Test func aWarningHeldByQuietHoursHasItsWholeGiveUpTimeAfterThem() throws {
    // 03:26:40 at +07:00; the quiet hours end at 06:00, 9200 s later; one hour to deliver from then.
    let clock = ManualClock()
    var route = NotificationRoute(channel: "sms")
    route.quietHours = QuietHours.parse("21:00-06:00", offsetMinutes: 420)
    route.giveUpSeconds = 3600
    let store = try store([route], clock: clock)
    _ = try store.write { tx in try tx.apply(event(.opened, severity: .warning, at: clock.now())) }
    clock.advance(seconds: 9200 + 3599)
    #expect(try store.write { tx in try tx.expireNotifications(channel: "sms", now: clock.now()) }.isEmpty)
    clock.advance(seconds: 1)
    #expect(try store.write { tx in try tx.expireNotifications(channel: "sms", now: clock.now()) }.count == 1)
  }
}
