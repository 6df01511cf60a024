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
      retried until it works (or give_up_hours pass). `status` shows what is pending, failing, delivered, and held or grouped for a room or site alert;
      `test` runs a channel's program once now with a test event.

      Examples:
        coldtrace notify status
        coldtrace notify status --json
        coldtrace notify test sms --config /etc/coldtrace/collector.toml
      """,
    subcommands: [NotifyStatusCommand.self, NotifyTestCommand.self]
  )
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
