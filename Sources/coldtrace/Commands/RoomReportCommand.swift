import ArgumentParser
import ColdTraceCore
import ColdTraceReport
import ColdTraceSigning
import ColdTraceStorage
import ColdTraceSystem
import Foundation

/// `coldtrace report room`: a room's (or a whole site's) record over a period, for an inspector.
struct RoomReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "room",
    abstract:
      "A room's or a site's record over a period, for inspectors: daily figures, excursions, alerts, calibration.",
    discussion: """
      Per probe and local day, the number of readings and their min, max and mean (the figures a paper log carries);
      the excursions past each room's warning limits (its product in the config's [rooms], else the default
      product); the rooms' alerts with who acknowledged them and when; each probe's calibration at the end of the
      period (valid, overdue, or none on record). Days and times are in the site's time zone (the config's
      time_zone or [sites.<site>] time_zone, default Asia/Ho_Chi_Minh) unless --utc or --utc-offset, stated on the
      page. --from and --to take a date (YYYY-MM-DD, a local day: --to includes it), an RFC 3339 time, Unix seconds
      or a span back from now (7d); --to defaults to now. Text, JSON, CSV (the daily
      table) or HTML, in English or Vietnamese; --sign signs it as a lot report (`coldtrace report verify`).

      Examples:
        coldtrace report room hongxuan/cold2 --from 2026-06-10 --to 2026-06-12
        coldtrace report room --site hongxuan --from 2026-06-01 --to 2026-06-30 --format html --lang vi --out june.html
        coldtrace report room hongxuan/cold2 --from 7d --format csv --out cold2.csv
      """
  )

  @OptionGroup var global: GlobalOptions
  @Argument(help: ArgumentHelp("The room, as site/room.", valueName: "site/room")) var room: String?
  @Option(help: ArgumentHelp("Every room of this site instead of one room.", valueName: "site")) var site: String?
  @Option(help: ArgumentHelp("The period's start: a date (local day), an RFC 3339 time, …", valueName: "time"))
  var from: String
  @Option(help: ArgumentHelp("The period's end (a date: the end of that local day; default: now).", valueName: "time"))
  var to: String?
  @Option(help: ArgumentHelp("text, json, csv or html.", valueName: "format")) var format = "text"
  @OptionGroup var lang: LanguageOption
  @Option(help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
  var out: String?
  @OptionGroup var times: ReportTimeOptions
  @Flag(help: "Sign the report with the cooperative's private key (made by `coldtrace keys init`).") var sign = false
  @Option(help: ArgumentHelp("The private key for --sign (else the config's signing_key).", valueName: "file"))
  var key: String?

  func run() throws {
    let (siteID, roomID) = try scope()
    guard let reportFormat = ReportFormat(rawValue: format), reportFormat != .epcis else {
      throw UsageError("--format must be text, json, csv or html, not \"\(format)\"")
    }
    let language = try lang.language()
    let fixedOffset = try times.fixedOffsetMinutes()
    let settings = try global.settings()
    let zone = times.zone(fixedOffsetMinutes: fixedOffset, settings: settings, site: siteID)
    let now = WallClock.now()
    let start = try Self.time(from, option: "--from", zone: zone, endOfDay: false, now: now)
    let end = try to.map { try Self.time($0, option: "--to", zone: zone, endOfDay: true, now: now) } ?? now
    guard start < end else {
      throw UsageError("--from \(start.rfc3339) must come before --to \(end.rfc3339)")
    }
    let store = try global.openStore()
    let known = try store.rooms(ofSite: siteID)
    guard !known.isEmpty else { throw UsageError("no site \(siteID) in this database (see `coldtrace probe list`)") }
    if let roomID, !known.contains(roomID) {
      throw UsageError("no room \(siteID)/\(roomID) (rooms of \(siteID): \(known.joined(separator: ", ")))")
    }
    let rooms = roomID.map { [$0] } ?? known
    let input = try store.roomReportInput(
      site: siteID, rooms: rooms, scope: roomID.map { "\(siteID)/\($0)" } ?? siteID, from: start, to: end,
      placements: try store.placements(overriddenBy: settings))
    var profiles: [String: ProductProfile] = [:]
    for room in rooms {
      profiles[room] = settings.products.rooms["\(siteID)/\(room)"] ?? settings.products.defaultProduct
    }
    let report = RoomReportBuilder.build(input, profiles: profiles, dayZone: zone)
    let text = reportFormat.render(report, ReportFormatter(language: language, timeZone: zone))
    let signingKey = try sign ? ReportCommand.privateKey(key ?? settings.signingKey ?? "coop.key") : nil
    try ReportCommand.emit(text, format: reportFormat, seal: report.seal, signedWith: signingKey, to: out)
  }

  /// The site and, for one room, the room: from `site/room` or `--site`.
  private func scope() throws -> (String, String?) {
    switch (room, site) {
    case (nil, nil): throw UsageError("name a room (site/room) or a whole site with --site")
    case (.some, .some): throw UsageError("name either a room (site/room) or --site, not both")
    case (nil, .some(let site)): return (try validated(site, as: .site, option: "--site")!, nil)
    case (.some(let room), nil):
      let parts = room.split(separator: "/", omittingEmptySubsequences: false)
      guard parts.count == 2 else { throw UsageError("the room must be site/room, not \"\(room)\"") }
      return (
        try validated(String(parts[0]), as: .site, option: "site")!,
        try validated(String(parts[1]), as: .room, option: "room")!
      )
    }
  }

  /// A command-line time; a date `YYYY-MM-DD` is a local day in `zone`: its start, or with `endOfDay` the start of the
  /// next day (so `--to` includes the day it names).
  static func time(_ text: String, option: String, zone: SiteTimeZone, endOfDay: Bool, now: Timestamp) throws
    -> Timestamp
  {
    let bytes = Array(text.utf8)
    let isDate =
      bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
      && bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }
    guard isDate else { return try parseTime(text, option: option)! }
    guard let midnightUTC = Timestamp.parseRFC3339("\(text)T00:00:00Z") else {
      throw UsageError("\(option) \"\(text)\" is not a date")
    }
    // Noon of that date in the zone is inside the local day, whatever its offset.
    let noon = midnightUTC.adding(seconds: 43_200 - Double(zone.offsetSeconds(at: midnightUTC)))
    let start = zone.startOfDay(containing: noon)
    return endOfDay ? zone.startOfNextDay(after: start) : start
  }
}
