import ArgumentParser
import ColdTraceCollector
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import Logging

struct NotifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notify",
    abstract: "The notification channels: how their outbox stands, and a test message through one.",
    discussion: """
      Every alert event a channel takes is queued in the database with the event and delivered by the collector,
      retried until it works (or give_up_hours pass). `status` shows what is pending, failing and delivered;
      `test` runs a channel's program once now with a test event.

      Examples:
        coldtrace notify status
        coldtrace notify status --json
        coldtrace notify test sms --config /etc/coldtrace/collector.toml
      """,
    subcommands: [NotifyStatusCommand.self, NotifyTestCommand.self]
  )
}

struct NotifyStatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Per channel: pending, delivered, failing, superseded and given-up notifications, the last error.",
    discussion: "Example: coldtrace notify status --json")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @Flag(help: "One JSON object per channel per line.") var json = false

  func run() throws {
    let settings = try global.settings()
    let configured = settings.notifications.map(\.name)
    let zones = localTime.zones(settings)
    let minute = { (time: Timestamp?) in time.map { zones.minute($0, site: "") } ?? "-" }
    var statuses = try global.openStore().notificationStatus()
    // A configured channel with nothing queued yet is shown too, with zeros.
    for name in configured where !statuses.contains(where: { $0.channel == name }) {
      statuses.append(NotificationChannelStatus(channel: name))
    }
    statuses.sort { $0.channel < $1.channel }
    if json {
      for status in statuses { print(Self.jsonLine(status)) }
      return
    }
    guard !statuses.isEmpty else {
      print("no notifications queued (configure [[notify]] channels in the collector config)")
      return
    }
    var table = TextTable(
      "CHANNEL", "PENDING", "DELIVERED", "FAILING", "SUPERSEDED", "GIVEN UP", "OLDEST PENDING", "LAST ERROR")
    for status in statuses {
      let error = status.lastError.map { "\(minute(status.lastErrorAt)) \($0)" } ?? "-"
      table.add(
        status.channel, String(status.pending), String(status.delivered), String(status.failing),
        String(status.superseded), String(status.givenUp), minute(status.oldestPending), error)
    }
    print(table.render())
    let times = statuses.flatMap { [$0.oldestPending, $0.lastErrorAt].compactMap { $0 } }
    print(zones.statement(sites: [], times: times))
  }

  /// `{"channel":"sms","pending":1,"delivered":40,"failing":1,"superseded":0,"given_up":0,"oldest_pending":…,
  /// "last_error":"exited with status 3: …","last_error_at":…}`; absent times and errors are `null`.
  static func jsonLine(_ status: NotificationChannelStatus) -> String {
    JSONObjectWriter.object { json in
      json.string("channel", status.channel)
      json.integer("pending", status.pending)
      json.integer("delivered", status.delivered)
      json.integer("failing", status.failing)
      json.integer("superseded", status.superseded)
      json.integer("given_up", status.givenUp)
      json.string("oldest_pending", status.oldestPending?.rfc3339)
      json.string("last_error", status.lastError)
      json.string("last_error_at", status.lastErrorAt?.rfc3339)
    }
  }
}

struct NotifyTestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run a channel's program once now with a test event (not stored); exit 0 if it worked, 1 if not.",
    discussion: "Example: coldtrace notify test sms --config /etc/coldtrace/collector.toml")

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The channel's name (`default` for an old [notify] table).") var channel: String

  func run() throws {
    let channels = try global.settings().notifications
    guard let settings = channels.first(where: { $0.name == channel }) else {
      let known = channels.map(\.name).joined(separator: ", ")
      throw UsageError(
        channels.isEmpty
          ? "no notification channels configured (pass --config with [[notify]] tables)"
          : "no channel named \"\(channel)\" (configured: \(known))")
    }
    let now = WallClock.now()
    let alert = AlertRecord(
      id: 0, kind: .tempHigh, severity: .critical, state: .open, site: "test", room: "test", sensor: "test",
      product: nil, openedAt: now, limit: 8, peak: 9.5, message: "ColdTrace test notification (not an alert)")
    var logger = Logger(label: "coldtrace-notify-test")
    logger.logLevel = .notice
    let started = MonotonicClock.seconds()
    let failure = NotificationHook.run(
      settings, lines: [alert.jsonLine(event: "test", eventID: 0, at: now)], ids: [0], logger: logger)
    let took = String(format: "%.1f", MonotonicClock.seconds() - started)
    if let failure {
      print("\(channel): failed after \(took) s: \(failure)")
      throw ExitCode(1)
    }
    let contacts = settings.contacts.isEmpty ? "-" : settings.contacts.joined(separator: ",")
    print("\(channel): delivered in \(took) s to \(contacts)")
  }
}
