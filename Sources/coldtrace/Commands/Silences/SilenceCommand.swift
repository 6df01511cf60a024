import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct SilenceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "silence",
    abstract: "Silence a site, room or probe for a while: alerts are recorded and shown but notify nobody.",
    discussion: """
      During a silence the alerts of its scope are still raised, journalled, published and listed (marked as
      silenced), but not given to the notification channels. An alert still open when the silence ends (or is ended)
      is notified then, once. Lot alerts (budget, treatment) are never silenced. Scheduled windows, such as a daily
      cleaning, go in the collector config's [[maintenance]] tables instead.

      Examples:
        coldtrace silence add hongxuan/cold2 --for 2h --reason "cleaning cold2" --by lan
        coldtrace silence list
        coldtrace silence end 3 --by lan
      """,
    subcommands: [SilenceAddCommand.self, SilenceListCommand.self, SilenceEndCommand.self]
  )
}

struct SilenceAddCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Start a silence now; prints its id.",
    discussion: "Example: coldtrace silence add hongxuan/cold2 --for 2h --reason \"cleaning cold2\" --by lan")

  @OptionGroup var global: GlobalOptions
  @Argument(help: ArgumentHelp("What to silence.", valueName: "site[/room[/sensor]]")) var scope: String
  @Option(name: .customLong("for"), help: ArgumentHelp("How long: 30m, 2h, 1d (at most 7d).", valueName: "span"))
  var duration: String?
  @Option(help: ArgumentHelp("When it ends: an RFC 3339 time or Unix seconds.", valueName: "time")) var until: String?
  @Option(help: "Why (shown with every alert it covers).") var reason: String
  @Option(help: "Who silences it.") var by: String

  func run() throws {
    let scope: SilenceScope
    do {
      scope = try SilenceScope.parse(self.scope)
    } catch {
      throw UsageError("\(error)")
    }
    try checkPerson(by, option: "--by")
    try checkText(reason, option: "--reason", limit: 500)
    let now = WallClock.now()
    let end = try endTime(now: now)
    guard end > now else { throw UsageError("the silence would end at \(end.rfc3339), which is not in the future") }
    guard end.seconds(since: now) <= Silence.longestSeconds else {
      throw UsageError("a silence lasts at most 7 days (7d); it would end at \(end.rfc3339)")
    }
    let settings = try global.settings()
    let store = try global.openStore(create: true)
    let silence = try store.write { tx in
      try tx.addSilence(scope, from: now, until: end, reason: reason, by: by)
    }
    catchUpJournal(store, settings.journal)
    print(silence.id)
  }

  /// `--for` from now, or `--until` (one of them, not both).
  private func endTime(now: Timestamp) throws -> Timestamp {
    switch (duration, until) {
    case (let span?, nil):
      guard let seconds = TimeSpec.parseSpan(span) else {
        throw UsageError("--for \"\(span)\" is not a span: use 30m, 2h or 1d")
      }
      guard seconds <= Silence.longestSeconds else { throw UsageError("--for \(span): a silence lasts at most 7d") }
      return now.adding(seconds: seconds)
    case (nil, let text?):
      return try parseTime(text, option: "--until")!
    case (nil, nil):
      throw UsageError("say how long: --for 2h or --until 2026-06-12T08:00:00+07:00")
    case (.some, .some):
      throw UsageError("give --for or --until, not both")
    }
  }
}

struct SilenceEndCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "end", abstract: "End a silence now; open alerts it covered are notified by the collector.",
    discussion: "Example: coldtrace silence end 3 --by lan")

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The silence's id, from `coldtrace silence list`.") var id: Int64
  @Option(help: "Who ends it.") var by: String

  func run() throws {
    try checkPerson(by, option: "--by")
    let settings = try global.settings()
    let store = try global.openStore()
    let silence: Silence
    do {
      silence = try store.write { tx in try tx.endSilence(id, by: by, at: WallClock.now()) }
    } catch let error as SilenceError {
      throw UsageError(error.description)
    }
    catchUpJournal(store, settings.journal)
    print("silence \(silence.id) (\(silence.scope)) ended by \(by)")
  }
}

/// Refuses a person's name that is empty, too long or holds control characters (the journal keeps it).
func checkPerson(_ name: String, option: String) throws {
  guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 128,
    !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
  else {
    throw UsageError("\(option) must name a person (1–128 characters, no control characters)")
  }
}

/// Refuses an empty text, one longer than `limit` characters, or one with control characters.
func checkText(_ text: String, option: String, limit: Int) throws {
  guard !text.trimmingCharacters(in: .whitespaces).isEmpty, text.count <= limit,
    !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
  else {
    throw UsageError("\(option) must say why (1–\(limit) characters, no control characters)")
  }
}

/// Brings the journal file up to date after a shell change; the change is stored either way, and the collector
/// writes what is missing at its next catch-up.
func catchUpJournal(_ store: SQLiteStore, _ configured: String?) {
  do {
    try AlertJournal(path: configured ?? AlertJournal.defaultPath(forDatabase: store.path)).catchUp(from: store)
  } catch {
    StandardError.write("coldtrace: warning: \(error); the journal will catch up later\n")
  }
}
