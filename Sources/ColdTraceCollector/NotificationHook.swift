import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import Logging
import Synchronization

/// Delivers one notification channel's outbox (a `[[notify]]` table): runs the operator's program (an SMS gateway,
/// a Zalo or e-mail script) with the channel's due rows as JSON lines on its standard input, one run per room within
/// `groupingSeconds`, so a power cut that trips forty probes is one message, not forty.
///
/// The rows are in the database, committed with the alert events (`WriteTransaction.queueNotifications`), so nothing
/// is lost to a crash or an outage: a failed run is retried with back-off until it works or the row's give-up time,
/// and a row being delivered when the collector is killed is sent again at the next start (at least once; the ids in
/// `COLDTRACE_NOTIFICATION_IDS` let a program drop repeats). Each channel has its own rows and its own thread: a
/// failing channel neither delays nor repeats another, and ingestion never waits for any.
public final class NotificationHook: Sendable {
  public struct Settings: Sendable {
    /// The channel's name, its filters, quiet hours, escalation delay and give-up time.
    public var route: NotificationRoute
    /// The program and its arguments (no shell).
    public var command: [String]
    public var groupingSeconds: Double = 5
    public var timeoutSeconds: Double = 20
    /// Given to the program as `COLDTRACE_CONTACTS` (comma-separated).
    public var contacts: [String] = []
    /// Given instead of `contacts` with an escalation.
    public var escalationContacts: [String] = []
    public var backoff = RetryBackoff()

    public var name: String { route.channel }

    public init(name: String, command: [String]) {
      route = NotificationRoute(channel: name)
      self.command = command
    }
  }

  let settings: Settings
  let store: SQLiteStore
  let logger: Logger
  let clock: any ServiceClock
  private let stopping = Atomic<Bool>(false)
  private let runs = Atomic<Int>(0)
  private let failedRuns = Atomic<Int>(0)

  public init(settings: Settings, store: SQLiteStore, logger: Logger, clock: any ServiceClock = SystemClock()) {
    self.settings = settings
    self.store = store
    self.logger = logger
    self.clock = clock
  }

  /// Successful runs of the program so far.
  public var deliveries: Int { runs.load(ordering: .relaxed) }

  /// Failed runs so far (each is retried).
  public var failures: Int { failedRuns.load(ordering: .relaxed) }

  /// Polls the outbox on a thread of its own until stopped: a run as soon as one is due, else a look every half second
  /// (a short read-mostly transaction, so the ingest writer hardly notices it).
  public func start() {
    let thread = Thread { [self] in
      while !stopping.load(ordering: .sequentiallyConsistent) {
        do {
          if try !deliverDue() { Thread.sleep(forTimeInterval: 0.5) }
        } catch {
          logger.error("notify \(settings.name): outbox: \(SQLiteStore.summary(of: error)); retrying in 1 s")
          Thread.sleep(forTimeInterval: 1)
        }
      }
    }
    thread.name = "coldtrace-notify-\(settings.name)"
    thread.start()
  }

  /// Stops after the run in progress, if any (what is left stays in the outbox for the next start).
  public func stop() { stopping.store(true, ordering: .sequentiallyConsistent) }

  /// One round at the clock's time: queues due escalations, gives up and supersedes what is due for it, and runs the
  /// program for the next batch; returns whether it ran it.
  @discardableResult
  public func deliverDue() throws -> Bool {
    let now = clock.now()
    let (expired, batch) = try store.write { tx in
      if settings.route.escalateAfterSeconds != nil {
        let escalated = try tx.queueEscalations(route: settings.route, now: now)
        if escalated > 0 { logger.notice("notify \(settings.name): \(escalated) alerts escalated") }
      }
      let expired = try tx.expireNotifications(channel: settings.name, now: now)
      return (
        expired, try tx.nextNotificationBatch(channel: settings.name, now: now, groupSeconds: settings.groupingSeconds)
      )
    }
    for row in expired {
      let what = "notification \(row.id) (event \(row.eventID), \(row.site)/\(row.room))"
      logger.error("notify \(settings.name): gave up \(what) after \(row.attempts) attempts")
    }
    guard let first = batch.first else { return false }
    let ids = batch.map(\.id)
    let failure = run(lines: batch.map(\.line), ids: ids, escalation: first.escalation)
    let finished = clock.now()
    if let failure {
      failedRuns.add(1, ordering: .relaxed)
      let attempts = (batch.map(\.attempts).max() ?? 0) + 1
      let wait = settings.backoff.delaySeconds(afterAttempts: attempts)
      try store.write { tx in
        try tx.markNotificationsFailed(ids, error: failure, at: finished, retryAt: finished.adding(seconds: wait))
      }
      let what = "\(first.site)/\(first.room) (\(batch.count) events)"
      logger.warning(
        "notify \(settings.name): \(what) failed (attempt \(attempts)): \(failure); retrying in \(Int(wait)) s")
    } else {
      runs.add(1, ordering: .relaxed)
      try store.write { tx in try tx.markNotificationsDelivered(ids, channel: settings.name, at: finished) }
      logger.info("notify \(settings.name): \(first.site)/\(first.room) delivered (\(batch.count) events)")
    }
    return true
  }

  /// Runs the program once with `lines` on its standard input; returns why it failed, or `nil`.
  public func run(lines: [String], ids: [Int64], escalation: Bool = false) -> String? {
    Self.run(settings, lines: lines, ids: ids, escalation: escalation, logger: logger)
  }

  /// Runs a channel's program once (also for `coldtrace notify test`, which has no outbox): `lines` on its standard
  /// input, the contacts and ids in its environment; whatever it wrote on standard error goes to the log (its first
  /// lines). Returns why it failed, or `nil`.
  public static func run(
    _ settings: Settings, lines: [String], ids: [Int64], escalation: Bool = false, logger: Logger
  ) -> String? {
    let contacts = escalation ? settings.escalationContacts : settings.contacts
    let environment = [
      "COLDTRACE_CHANNEL": settings.name, "COLDTRACE_CONTACTS": contacts.joined(separator: ","),
      "COLDTRACE_NOTIFICATION_IDS": ids.map(String.init).joined(separator: ","),
      "COLDTRACE_ESCALATION": escalation ? "1" : "0",
    ]
    let input = Array((lines.joined(separator: "\n") + "\n").utf8)
    let outcome = ChildProcess.run(
      settings.command, input: input, timeoutSeconds: settings.timeoutSeconds, environment: environment)
    switch outcome {
    case .failedToStart(let reason):
      return "cannot start \(settings.command[0]): \(reason)"
    case .timedOut:
      return "timed out after \(JSONText.number(settings.timeoutSeconds)) s"
    case .finished(let termination, _, let errors):
      logStandardError(errors, channel: settings.name, logger: logger)
      guard termination != .exited(0) else { return nil }
      return "\(termination)" + (ChildProcess.firstLine(errors).map { ": \($0)" } ?? "")
    }
  }

  /// The program's standard error in the log: its first five lines, each cut at 300 characters.
  private static func logStandardError(_ errors: [UInt8], channel: String, logger: Logger) {
    let lines = errors.split(separator: UInt8(ascii: "\n")).prefix(5).map {
      String(String(decoding: $0, as: UTF8.self).prefix(300))
    }
    for line in lines where !line.allSatisfy(\.isWhitespace) {
      logger.notice("notify \(channel) program: \(line)")
    }
  }
}
