import ColdTraceCore
import ColdTraceStorage
import Foundation
import Logging
import TestSupport
import Testing

@testable import ColdTraceCollector

/// A channel's delivery from the durable outbox: real programs (`/bin/sh`), a real database, and a manual clock for
/// the grouping, back-off and escalation times (each round is driven by the test: nothing here waits for time).
struct NotificationHookTests {
  private let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "p1")

  private struct Setup {
    let store: SQLiteStore
    let clock: ManualClock
    let directory: URL
  }

  private func setup(_ channels: [NotificationHook.Settings]) throws -> Setup {
    let directory = try TemporaryDirectory.make(prefix: "notify")
    let store = try SQLiteStore(path: directory.appendingPathComponent("n.db").path)
    let clock = ManualClock()
    store.useNotificationRouting(NotificationRouting(routes: channels.map(\.route), clock: clock))
    return Setup(store: store, clock: clock, directory: directory)
  }

  private func open(_ setup: Setup, sensor: String = "p1", room: String = "cold2") throws -> RecordedEvent {
    try setup.store.write { tx in
      try tx.apply(
        AlertEvent(
          type: .opened, key: SensorKey(site: "hongxuan", room: room, sensor: sensor), kind: .tempHigh,
          severity: .critical, productID: "litchi", at: setup.clock.now(), limit: 8, value: 9, peak: 9, message: "m"))
    }
  }

  /// A program that appends a `RUN` line, its environment's ColdTrace variables and its standard input to `file`,
  /// and fails while `marker` exists (the uplink is down).
  private func recorder(_ file: URL, failingWhile marker: URL? = nil) -> [String] {
    let failing = marker.map { "if [ -e '\($0.path)' ]; then echo 'uplink down' >&2; exit 3; fi; " } ?? ""
    return [
      "/bin/sh", "-c",
      failing + "{ echo \"RUN $COLDTRACE_CONTACTS ids=$COLDTRACE_NOTIFICATION_IDS\"; cat; } >> '\(file.path)'",
    ]
  }

  private func text(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

  @Test func theEventsOfOneRoomAreOneRunWithTheirLinesContactsAndIds() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)")
    var settings = NotificationHook.Settings(name: "sms", command: recorder(output))
    settings.contacts = ["+84901", "+84902"]
    let setup = try setup([settings])
    let hook = NotificationHook(
      settings: settings, store: setup.store, logger: Logger(label: "test"), clock: setup.clock)
    let events = try (1...4).map { try open(setup, sensor: "p\($0)") } + [try open(setup, room: "cold3")]
    #expect(try !hook.deliverDue(), "the grouping window (5 s) has not passed")
    setup.clock.advance(seconds: 5)
    #expect(try hook.deliverDue())
    #expect(try hook.deliverDue())
    #expect(try !hook.deliverDue())
    let runs = text(output).components(separatedBy: "RUN ").dropFirst()
    #expect(runs.count == 2, "one run per room, not one per event")
    let ids = try setup.store.notifications(channel: "sms").map(\.id)
    #expect(
      runs.first?.hasPrefix("+84901,+84902 ids=\(ids.prefix(4).map(String.init).joined(separator: ","))\n") == true)
    #expect(runs.first?.contains(events[0].line) == true && runs.first?.contains("\"event_id\":") == true)
    #expect(try setup.store.notifications(channel: "sms").allSatisfy { $0.state == "delivered" })
  }

  @Test func aFailingChannelRetriesWithBackOffUntilItWorksAndTheHealthyOneIsSentOnce() throws {
    let directory = try TemporaryDirectory.make(prefix: "notify-out")
    let marker = directory.appendingPathComponent("uplink-down")
    try Data().write(to: marker)
    var sms = NotificationHook.Settings(
      name: "sms", command: recorder(directory.appendingPathComponent("sms"), failingWhile: marker))
    sms.groupingSeconds = 0
    var email = NotificationHook.Settings(name: "email", command: recorder(directory.appendingPathComponent("email")))
    email.groupingSeconds = 0
    let setup = try setup([sms, email])
    let logger = Logger(label: "test")
    let smsHook = NotificationHook(settings: sms, store: setup.store, logger: logger, clock: setup.clock)
    let emailHook = NotificationHook(settings: email, store: setup.store, logger: logger, clock: setup.clock)
    _ = try open(setup)
    #expect(try smsHook.deliverDue() && emailHook.deliverDue())
    #expect(smsHook.failures == 1 && emailHook.deliveries == 1)
    // Back-off: 5 s, then 10, 20, 40 ... (capped at 10 min); nothing is tried before its time.
    for wait in [5.0, 10, 20, 40, 80, 160, 320, 600, 600] {
      setup.clock.advance(seconds: wait - 1)
      #expect(try !smsHook.deliverDue())
      setup.clock.advance(seconds: 1)
      #expect(try smsHook.deliverDue())
      #expect(try !emailHook.deliverDue(), "the healthy channel is not sent again")
    }
    #expect(smsHook.failures == 10)
    let status = try #require(try setup.store.notificationStatus().first { $0.channel == "sms" })
    #expect(status.failing == 1 && status.lastError == "exited with status 3: uplink down")
    try FileManager.default.removeItem(at: marker)
    setup.clock.advance(seconds: 600)
    #expect(try smsHook.deliverDue())
    setup.clock.advance(seconds: 3600)
    #expect(try !smsHook.deliverDue())
    #expect(text(directory.appendingPathComponent("sms")).components(separatedBy: "RUN ").count - 1 == 1)
    #expect(text(directory.appendingPathComponent("email")).components(separatedBy: "RUN ").count - 1 == 1)
  }

  @Test func anAlertStillUnacknowledgedGoesToTheEscalationContacts() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)")
    var settings = NotificationHook.Settings(name: "sms", command: recorder(output))
    settings.groupingSeconds = 0
    settings.contacts = ["+84901"]
    settings.escalationContacts = ["+84999"]
    settings.route.escalateAfterSeconds = 900
    let setup = try setup([settings])
    let hook = NotificationHook(
      settings: settings, store: setup.store, logger: Logger(label: "test"), clock: setup.clock)
    _ = try open(setup)
    #expect(try hook.deliverDue())
    setup.clock.advance(seconds: 899)
    #expect(try !hook.deliverDue())
    setup.clock.advance(seconds: 1)
    #expect(try hook.deliverDue())
    setup.clock.advance(seconds: 3600)
    #expect(try !hook.deliverDue(), "once")
    let runs = text(output).components(separatedBy: "RUN ").dropFirst()
    #expect(runs.map { $0.prefix(6) } == ["+84901", "+84999"])
    #expect(runs.last?.contains("\"event\":\"escalation\"") == true)
  }

  @Test func aFailureNamesTheExitStatusOrTimeoutAndTheFirstLineOfStandardError() throws {
    let setup = try setup([])
    func run(_ command: [String], timeout: Double = 10) -> String? {
      var settings = NotificationHook.Settings(name: "t", command: command)
      settings.timeoutSeconds = timeout
      return NotificationHook(settings: settings, store: setup.store, logger: Logger(label: "test")).run(
        lines: ["{}"], ids: [1])
    }
    #expect(
      run(["/bin/sh", "-c", "cat > /dev/null; echo '  gateway refused: quota exceeded ' >&2; echo more >&2; exit 4"])
        == "exited with status 4: gateway refused: quota exceeded")
    #expect(run(["/bin/sh", "-c", "cat > /dev/null"]) == nil)
    #expect(run(["/nonexistent/notify"]) == "cannot start /nonexistent/notify: No such file or directory")
    #expect(run(["/bin/sh", "-c", "sleep 30"], timeout: 0.3) == "timed out after 0.3 s")
  }
}
