import ArgumentParser
import ColdTraceCollector
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

struct ProbeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "probe",
    abstract: "Probes over their life: list, approve or reject unknown ones, retire, replace, move, calibrate.",
    discussion: """
      A retired probe never raises `offline` again; its open alerts resolve and the defrost or door spans it held
      open end at its retirement. Its readings stay where they are, and readings that still arrive from it are
      stored but do not bring it back. A probe's room history keeps each reading in the room it
      was taken in. Every change is a line of the alert journal.

      Examples:
        coldtrace probe list --all
        coldtrace probe pending
        coldtrace probe approve hongxuan/cold3-air --room cold3 --by lan
        coldtrace probe replace hongxuan/cold2-pulp cold2-pulp-b --by lan
        coldtrace probe move hongxuan/cold2-door --room cold3 --by lan --at 2026-06-14T08:00:00+07:00
        coldtrace probe calibrate hongxuan/cold2-pulp --certificate VN-CAL-2026-118 --due 2027-06-30 --by lan
      """,
    subcommands: [
      ProbeListCommand.self, ProbePendingCommand.self, ProbeApproveCommand.self, ProbeRejectCommand.self,
      ProbeRetireCommand.self, ProbeReplaceCommand.self, ProbeMoveCommand.self,
      ProbeCalibrateCommand.self,
    ]
  )
}

/// A probe argument, `site/sensor`, validated.
struct ProbeArgument {
  let probe: ProbeKey

  init(_ text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let site = parts.first, let sensor = parts.last else {
      throw UsageError("a probe is <site>/<sensor>, e.g. hongxuan/cold2-door, not \"\(text)\"")
    }
    probe = ProbeKey(
      site: try validated(String(site), as: .site, option: "probe")!,
      sensor: try validated(String(sensor), as: .sensor, option: "probe")!)
  }

  var name: String { "\(probe.site)/\(probe.sensor)" }
}

/// A person's name or a free text for the journal: 1 to `limit` characters, no control characters (one journal
/// line, one table cell).
func checkedText(_ text: String, option: String, limit: Int = 128) throws -> String {
  guard !text.trimmingCharacters(in: .whitespaces).isEmpty, text.count <= limit,
    !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
  else {
    throw UsageError("\(option) must be 1–\(limit) characters without control characters")
  }
  return text
}

/// A date (`2027-06-30`, midnight UTC) or an RFC 3339 time; with `spans`, also what `--at` takes (`24h` ago, Unix
/// seconds).
func parseDate(_ text: String?, option: String, spans: Bool) throws -> Timestamp? {
  guard let text else { return nil }
  if text.count == 10, let day = Timestamp.parseRFC3339(text + "T00:00:00Z") { return day }
  if spans { return try parseTime(text, option: option) }
  guard let time = Timestamp.parseRFC3339(text) else {
    throw UsageError("\(option) \"\(text)\" is not a date: use 2027-06-30 or an RFC 3339 time")
  }
  return time
}

/// Runs a probe change in one transaction, turning a forbidden one into a usage error (exit 2, nothing changed),
/// then brings the journal file up to date; returns the alert events the change caused.
func probeChange(_ global: GlobalOptions, _ body: (WriteTransaction) throws -> [RecordedEvent]) throws
  -> [RecordedEvent]
{
  let settings = try global.settings()
  let store = try global.openStore()
  let alerts: [RecordedEvent]
  do {
    alerts = try store.write { tx in try body(tx) }
  } catch let error as ProbeError {
    throw UsageError(error.description)
  }
  do {
    try AlertJournal(path: settings.journal ?? AlertJournal.defaultPath(forDatabase: store.path)).catchUp(from: store)
  } catch {
    // The change is stored; the collector writes the journal lines at its next catch-up.
    StandardError.write("coldtrace: warning: \(error); the journal will catch up later\n")
  }
  return alerts
}

struct ProbeRetireCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retire",
    abstract: "Retire a probe: it is no longer watched, its open alerts resolve, and it never raises offline again.",
    discussion: "Example: coldtrace probe retire hongxuan/cold2-door --reason \"cable cut\" --by lan")

  @OptionGroup var global: GlobalOptions
  @Argument(help: ArgumentHelp("The probe.", valueName: "site/sensor")) var probe: String
  @Option(help: "Why it is retired.") var reason: String
  @Option(help: "Who retires it.") var by: String
  @Option(help: ArgumentHelp("When (default: now).", valueName: "RFC3339|24h")) var at: String?

  func run() throws {
    let target = try ProbeArgument(probe)
    let reason = try checkedText(reason, option: "--reason", limit: 500)
    let person = try checkedText(by, option: "--by")
    let time = try parseTime(at, option: "--at") ?? WallClock.now()
    let resolved = try probeChange(global) { tx in
      try tx.retireProbe(target.probe, reason: reason, by: person, at: time)
    }
    print("probe \(target.name) retired at \(time.rfc3339): \(reason)")
    printLotAlerts(resolved)
  }
}

struct ProbeReplaceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replace",
    abstract: "Replace a probe by another of the same site: the old one is retired, the new one its successor.",
    discussion: "Example: coldtrace probe replace hongxuan/cold2-pulp cold2-pulp-b --by lan")

  @OptionGroup var global: GlobalOptions
  @Argument(help: ArgumentHelp("The probe taken out.", valueName: "site/sensor")) var old: String
  @Argument(help: ArgumentHelp("The sensor id of the probe put in (same site).", valueName: "sensor")) var new: String
  @Option(help: "Who replaces it.") var by: String
  @Option(help: ArgumentHelp("When (default: now).", valueName: "RFC3339|24h")) var at: String?

  func run() throws {
    let target = try ProbeArgument(old)
    let successor = try validated(new, as: .sensor, option: "new sensor")!
    let person = try checkedText(by, option: "--by")
    let time = try parseTime(at, option: "--at") ?? WallClock.now()
    let resolved = try probeChange(global) { tx in
      try tx.replaceProbe(target.probe, by: successor, person: person, at: time)
    }
    print("probe \(target.name) replaced by \(target.probe.site)/\(successor) at \(time.rfc3339)")
    printLotAlerts(resolved)
  }
}

struct ProbeMoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "move", abstract: "Record that a probe hangs in another room of its site from a time on.",
    discussion: """
      Its readings from then on count for the new room in every report and query; earlier ones stay in the old
      room. Change the room of its [[sensor]] in the agent's config too: the collector judges live readings by the
      room their topic names.

      Example: coldtrace probe move hongxuan/cold2-door --room cold3 --by lan --at 2026-06-14T08:00:00+07:00
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: ArgumentHelp("The probe.", valueName: "site/sensor")) var probe: String
  @Option(help: ArgumentHelp("The room it hangs in now (same site).", valueName: "room")) var room: String
  @Option(help: "Who moved it.") var by: String
  @Option(help: ArgumentHelp("When (default: now).", valueName: "RFC3339|24h")) var at: String?

  func run() throws {
    let target = try ProbeArgument(probe)
    let room = try validated(room, as: .room, option: "--room")!
    let person = try checkedText(by, option: "--by")
    let time = try parseTime(at, option: "--at") ?? WallClock.now()
    _ = try probeChange(global) { tx in
      try tx.moveProbe(target.probe, to: room, by: person, at: time)
      return []
    }
    print("probe \(target.name) in \(target.probe.site)/\(room) from \(time.rfc3339)")
  }
}

struct ProbeCalibrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calibrate", abstract: "Record a probe's calibration certificate and when it falls due again.",
    discussion: """
      The calibration with the latest date is in force. The collector raises calibration_due 30 days before the due
      date (warning), critical once it has passed; a calibration with a later due date resolves it.

      Example: coldtrace probe calibrate hongxuan/cold2-pulp --certificate VN-CAL-2026-118 --due 2027-06-30 --by lan
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: ArgumentHelp("The probe.", valueName: "site/sensor")) var probe: String
  @Option(help: "The calibration certificate's reference.") var certificate: String
  @Option(help: ArgumentHelp("When it must be calibrated again.", valueName: "DATE|RFC3339")) var due: String
  @Option(help: ArgumentHelp("When it was calibrated (default: now).", valueName: "DATE|RFC3339|24h")) var at: String?
  @Option(help: "Who records it.") var by: String

  func run() throws {
    let target = try ProbeArgument(probe)
    let certificate = try checkedText(certificate, option: "--certificate")
    let person = try checkedText(by, option: "--by")
    let dueDate = try parseDate(due, option: "--due", spans: false)!
    let now = WallClock.now()
    let calibrated = try parseDate(at, option: "--at", spans: true) ?? now
    let events = try probeChange(global) { tx in
      try tx.calibrateProbe(
        target.probe, certificate: certificate, at: calibrated, due: dueDate, by: person, now: now,
        rule: CalibrationRule())
    }
    print(
      "probe \(target.name) calibrated at \(calibrated.rfc3339): certificate \(certificate), due \(dueDate.rfc3339)")
    printLotAlerts(events)
  }
}
