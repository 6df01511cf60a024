import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

struct AlertsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "alerts",
    abstract: "Show the alert log, newest last.",
    discussion: """
      An alert matches --since/--until if it was open at any moment in that window. The table shows opening times in
      each site's time zone (the config's time_zone, default Asia/Ho_Chi_Minh; --utc for UTC) and says which on its
      last line; --json times are RFC 3339 UTC.
      Examples:
        coldtrace alerts --since 7d --site hongxuan --severity critical --json
        coldtrace alerts --since 24h --lang vi
        coldtrace alerts --utc
      """
  )

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @OptionGroup var lang: LanguageOption
  @Option(help: ArgumentHelp("Only alerts open at or after this time.", valueName: "24h|7d|RFC3339"))
  var since: String?
  @Option(help: ArgumentHelp("Only alerts opened at or before this time.", valueName: "24h|7d|RFC3339"))
  var until: String?
  @Option var site: String?
  @Option var room: String?
  @Option var sensor: String?
  @Option var lot: String?
  @Option(help: ArgumentHelp("warning or critical.")) var severity: String?
  @Option(help: ArgumentHelp("open, acked or resolved.")) var state: String?
  @Flag(help: "One JSON object per line (fields: docs/protocol.md).") var json = false
  @Flag(help: "Keep printing alert events as they happen (JSON lines with --json).") var follow = false

  func run() throws {
    var filter = AlertFilter()
    filter.since = try parseTime(since, option: "--since")
    filter.until = try parseTime(until, option: "--until")
    filter.site = try validated(site, as: .site, option: "--site")
    filter.room = try validated(room, as: .room, option: "--room")
    filter.sensor = try validated(sensor, as: .sensor, option: "--sensor")
    filter.lot = try validated(lot, as: .lot, option: "--lot")
    if let severity {
      guard let value = Severity(rawValue: severity) else {
        throw UsageError("--severity must be warning or critical, not \"\(severity)\"")
      }
      filter.severity = value
    }
    if let state {
      guard let value = AlertState(rawValue: state) else {
        throw UsageError("--state must be open, acked or resolved, not \"\(state)\"")
      }
      filter.state = value
    }
    let language = try lang.language()
    let zones = localTime.zones(try global.settings())
    if follow, case .postgres = try global.databaseLocation(try global.settings()) {
      throw DatabaseLocation.notOnPostgres("alerts --follow")
    }
    let store = try global.openShellStore()
    // Both forms stream from the rows into stdout's buffer: no list of alerts, no string of the whole output.
    if json {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(1 << 16)
      try store.forEachAlert(filter) { alert in
        alert.appendJSONLine(to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count >= 1 << 16 { StandardOutput.write(&bytes) }
      }
      StandardOutput.write(&bytes)
    } else {
      var table = AlertTable(language: language, zones: zones)
      try store.forEachAlert(filter) { table.add($0) }
      if table.isEmpty {
        print(language == .vi ? "không có cảnh báo nào khớp" : "no alerts match")
      } else {
        table.printToStandardOutput()
        print(Self.statement(table, zones: zones, language: language))
      }
    }
    if follow, case .sqlite(let sqlite) = store { try followEvents(sqlite) }
  }

  /// The table of `alerts` and the line that states its zone.
  static func table(_ alerts: [AlertRecord], zones: SiteTimeZones, language: Language = .en) -> String {
    var table = AlertTable(language: language, zones: zones)
    for alert in alerts { table.add(alert) }
    return table.render() + "\n" + statement(table, zones: zones, language: language)
  }

  private static func statement(_ table: AlertTable, zones: SiteTimeZones, language: Language) -> String {
    guard let span = table.span else { return "" }
    return zones.statement(sites: span.sites, from: span.from, to: span.to, language: language)
  }

  /// Prints every new alert event (journal lines) until interrupted.
  private func followEvents(_ store: SQLiteStore) throws {
    var last = try store.alertEventLines(after: 0).last?.id ?? 0
    fflush(nil)
    while true {
      for event in try store.alertEventLines(after: last) {
        print(event.line)
        last = event.id
      }
      fflush(nil)
      usleep(500_000)
    }
  }
}

extension String {
  func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
    String(map { $0 == target ? replacement : $0 })
  }
}
