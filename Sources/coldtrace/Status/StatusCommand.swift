import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Every probe at a glance, per room: latest value, trend, age, the lots in the room and open alerts.",
    discussion: """
      Colours on a terminal, plain text when piped (or with NO_COLOR set), one JSON object per probe with --json,
      then one per agent (its install and its clock_skew), then one per site broker (its uplink: up or down), then
      one per open site alert (site_alert: its id; an agent offline, a site's power cut, rooms crossing together).
      A probe with no reading for longer than --stale-after (default: the config's offline_after_minutes, else 10)
      is marked stale. The text ends with each agent's install (incarnation) and when it last changed, then the time
      zone its times are in (the config's time_zone, default Asia/Ho_Chi_Minh; --utc for UTC); JSON times are UTC.

      Examples:
        coldtrace status
        coldtrace status --lang vi
        coldtrace status --utc
        coldtrace status --json | jq 'select(.stale)'
        coldtrace status --json | jq 'select(.pending_probes)'
        coldtrace status --json | jq 'select(.clock_skew)'
        coldtrace status --json | jq 'select(.bridge == "down")'
      """
  )

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @Flag(help: "One JSON object per probe per line, then one per site with unknown probes pending.") var json = false
  @OptionGroup var languageOption: LanguageOption
  @Option(help: ArgumentHelp("Minutes without a reading after which a probe is stale.", valueName: "minutes"))
  var staleAfter: Double?

  func run() throws {
    let settings = try global.settings()
    let language = try languageOption.language()
    let staleMinutes = staleAfter ?? settings.offlineAfterMinutes
    guard staleMinutes.isFinite, staleMinutes > 0, staleMinutes <= 10080 else {
      throw UsageError("--stale-after must be more than 0 and at most 10080 minutes (a week)")
    }
    let now = WallClock.now()
    // Schema 4: PostgreSQL's copies of every SQLite table (lots, room history, registry, bridges, …).
    let store = try global.openShellStore(schemaVersion: 4)
    let status = try store.facilityStatus(now: now)
    // The defrosts and door openings going on now, per room.
    var spans: [String: [RoomSpan]] = [:]
    for sensor in status.sensors where spans["\(sensor.key.site)/\(sensor.key.room)"] == nil {
      spans["\(sensor.key.site)/\(sensor.key.room)"] = try store.roomSpans(
        site: sensor.key.site, room: sensor.key.room, from: now, to: now
      ).filter { $0.start <= now && ($0.end.map { $0 > now } ?? true) }
    }
    let board = StatusBoard(
      status: status, now: now, staleAfterSeconds: staleMinutes * 60,
      placements: try store.placements(overriddenBy: settings), roomSpans: spans)
    if json {
      for row in board.rows { print(row.json()) }
      for line in Self.pendingJSONLines(try store.pendingProbeCounts()) { print(line) }
      let skews = try AgentIncarnationLines.clockSkews(store)
      for line in AgentIncarnationLines.jsonLines(try store.agentIncarnations(), clockSkews: skews) { print(line) }
      for line in SiteBridgeLines.jsonLines(try store.siteBridges()) { print(line) }
      for line in SiteAlertLines.jsonLines(status.siteAlerts) { print(line) }
      return
    }
    let zones = localTime.zones(settings)
    let text = StatusText(language: language, zones: zones)
    let pending = Self.pendingLines(try store.pendingProbeCounts(), language: language)
    let skews = try AgentIncarnationLines.clockSkews(store)
    let incarnations = board.rows.isEmpty ? [] : try store.agentIncarnations()
    if board.rows.isEmpty {
      print(text.noSensors + pending)
    } else {
      print(board.render(text, terminal: .standardOutput, staleAfterMinutes: staleMinutes) + pending)
    }
    if let lines = SiteAlertLines.render(status.siteAlerts, text: text) { print("\n" + lines) }
    if let agents = AgentIncarnationLines.render(incarnations, clockSkews: skews, text: text) {
      print("\n" + agents)
    }
    let bridges = try store.siteBridges()
    if let lines = SiteBridgeLines.render(bridges, text: text) { print("\n" + lines) }
    let sites =
      board.rows.map(\.status.key.site) + incarnations.map(\.site) + skews.map(\.site) + bridges.map(\.site)
      + status.siteAlerts.map(\.site)
    print(zones.statement(sites: sites, from: now, to: now, language: language))
  }

  /// Unknown probes are not listed as probes: one line per site with how many wait (`coldtrace probe pending`).
  static func pendingLines(_ counts: [String: Int], language: Language) -> String {
    counts.keys.sorted().map { site in
      let count = counts[site] ?? 0
      return language == .vi
        ? "\n\(site): \(count) đầu dò chưa đăng ký đang chờ (coldtrace probe pending)"
        : "\n\(site): \(count) unknown probe\(count == 1 ? "" : "s") pending (coldtrace probe pending)"
    }.joined()
  }

  /// With `--json`, after the probes: one line per site with unknown probes waiting, `{"site":…,"pending_probes":n}`
  /// (no `sensor` field, so a filter on probe fields passes over it).
  static func pendingJSONLines(_ counts: [String: Int]) -> [String] {
    counts.keys.sorted().map { site in
      JSONObjectWriter.object { json in
        json.string("site", site)
        json.integer("pending_probes", counts[site] ?? 0)
      }
    }
  }
}
