import ArgumentParser
import ColdTraceCore
import ColdTraceReport
import ColdTraceSigning
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lot",
    abstract: "How a lot was kept, for the importer: limits, rooms, statistics, excursions, alerts and a verdict.",
    discussion: """
      Text for the shell, JSON for scripts, CSV (one row per reading) for Excel, HTML (one self-contained file that
      prints to A4) for the importer, EPCIS (a GS1 EPCIS 2.0 JSON-LD document) for the importer's traceability system.
      Times are shown in the site's time zone (the config's time_zone, default Asia/Ho_Chi_Minh, +07:00; each time
      at the zone's offset then, EPCIS eventTimeZoneOffset too), stated on the page; --utc shows UTC, --utc-offset one
      fixed offset. JSON and CSV timestamps are RFC 3339 UTC (CSV's local_time and JSON's time_zone follow the
      zone). Every format but CSV carries an integrity seal: --verify checks it against the database. --sign adds the
      cooperative's Ed25519 signature (`coldtrace keys init`), which an importer checks without the database:
      `coldtrace report verify FILE --key coop.pub` (docs/verify.md).

      Which probes judge: in each room the lot stayed in, the room's product and simulant probes when it has one,
      else its air probes with each defrost (up to \(Int(ReportSpanLimits.defrostMaximumMinutes)) min, and \
      \(Int(ReportSpanLimits.afterDefrostMinutes)) min after it) and door opening (up to \
      \(Int(ReportSpanLimits.doorMaximumMinutes)) min) left out; evaporator and ambient probes are shown, never
      judge. Placements are the collector's (--config's [placements] over the agents' announcements); the report
      says per room which probes judged and why, and lists the defrosts and door openings.

      How it judges: a reading stands for the time until its probe's next one (at most twice the probe's interval;
      longer silences are data gaps); a moment is out of range when any judging probe is past a warning limit.
      Verdict: FAILED when no judging probe has a reading, when a critical limit was passed for longer than its alarm
      delay, when time out of range exceeds the product's excursion budget, or, for a product without a budget, when
      one excursion lasted longer than its warning limit's alarm delay; EXCURSIONS WITHIN BUDGET when some time was
      out of range otherwise; WITHIN LIMITS when none was. The report names the rule that decided.

      Examples:
        coldtrace report LT-2026-0612
        coldtrace report LT-2026-0612 --format html --lang vi --out LT-2026-0612.html
        coldtrace report LT-2026-0612 --utc
        coldtrace report LT-2026-0612 --verify LT-2026-0612.html
        coldtrace report LT-2026-0612 --format epcis --sign --key /etc/coldtrace/coop.key --out LT-2026-0612.jsonld
      """
  )

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The lot id.") var lot: String
  @Option(help: ArgumentHelp("text, json, csv, html or epcis.", valueName: "format")) var format = "text"
  @OptionGroup var lang: LanguageOption
  @Option(help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
  var out: String?
  @OptionGroup var times: ReportTimeOptions
  @Option(
    help: ArgumentHelp(
      "Check a report file's integrity seal against the database (give the same --config: placements are sealed).",
      valueName: "file"))
  var verify: String?
  @Flag(help: "Sign the report with the cooperative's private key (made by `coldtrace keys init`).") var sign = false
  @Option(
    help: ArgumentHelp(
      "The private key for --sign (else the config's signing_key, else ./coop.key).", valueName: "file"))
  var key: String?

  func run() throws {
    let id = try validated(lot, as: .lot, option: "lot")!
    guard let reportFormat = ReportFormat(rawValue: format) else {
      throw UsageError("--format must be text, json, csv, html or epcis, not \"\(format)\"")
    }
    let language = try lang.language()
    let fixedOffset = try times.fixedOffsetMinutes()
    let store = try global.openStore()
    let settings = try global.settings()
    let placements = try store.placements(overriddenBy: settings)
    if let verify { return try check(verify, lot: id, store: store, placements: placements) }
    guard let input = try store.reportInput(lot: id, now: WallClock.now(), placements: placements) else {
      throw UsageError("no lot \(id) (see `coldtrace lot list`)")
    }
    guard let profile = settings.products.catalog.named(input.lot.product) else {
      throw UsageError("lot \(id) has product \"\(input.lot.product)\", which no profile describes")
    }
    let signingKey = try sign ? Self.privateKey(key ?? settings.signingKey ?? "coop.key") : nil
    let report = LotReportBuilder.build(input, profile: profile)
    // The zone of the site the lot entered first (a lot rarely leaves its site).
    let zone = times.zone(fixedOffsetMinutes: fixedOffset, settings: settings, site: report.rooms.first?.site ?? "")
    let text = reportFormat.render(
      report, ReportFormatter(language: language, timeZone: zone), identifiers: settings.traceIdentifiers)
    try Self.emit(text, format: reportFormat, seal: report.seal, signedWith: signingKey, to: out)
  }

  /// Signs `text` with `key` if there is one, then writes it to `out` (replaced whole) or standard output: the last
  /// step of every report command.
  static func emit(
    _ text: String, format: ReportFormat, seal: ReportSeal, signedWith key: Ed25519PrivateKey?, to out: String?
  ) throws {
    var text = text
    if let key {
      do {
        text = try SignedReport.sign(text, format: format, seal: seal, key: key)
      } catch {
        throw UsageError("cannot sign the report: \(error)")
      }
    }
    if let out {
      do {
        try DurableFile.replace(out, with: text)
      } catch {
        throw UsageError("cannot write \(out): \(error)")
      }
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }

  private func check(_ path: String, lot id: String, store: SQLiteStore, placements: [ProbeKey: Placement]) throws {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw UsageError("cannot read \(path)")
    }
    guard let claimed = ReportSeal.find(in: text) else {
      throw UsageError("\(path) carries no ColdTrace integrity seal (CSV reports have none unless signed)")
    }
    guard claimed.lot == id else { throw UsageError("\(path) is a report on lot \(claimed.lot), not \(id)") }
    guard
      let input = try store.reportInput(
        lot: id, until: claimed.to, now: claimed.to, placements: placements, sealVersion: claimed.version)
    else {
      throw UsageError("no lot \(id) in this database")
    }
    var differences = SealComparison.differences(claimed: claimed, recomputed: input.seal)
    if let event = claimed.journalEventID, let hash = claimed.journalSHA256,
      let problem = try store.journalDiscrepancy(eventID: event, sha256: hash)
    {
      differences.append(problem)
    }
    if differences.isEmpty {
      print("match: lot \(id), \(claimed.readings) readings to \(claimed.to.rfc3339), sha256 \(claimed.sha256)")
      return
    }
    print("mismatch: lot \(id): " + differences.joined(separator: "; "))
    throw ExitCode(1)
  }

  static func privateKey(_ path: String) throws -> Ed25519PrivateKey {
    do {
      return try KeyFiles.privateKey(path)
    } catch {
      throw UsageError("--sign: \(error) (make one with `coldtrace keys init`)")
    }
  }
}
