import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

struct AlertsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "alerts",
    abstract: "Show the alert log, newest last.",
    discussion: """
      An alert matches --since/--until if it was open at any moment in that window.
      Example: coldtrace alerts --since 7d --site hongxuan --severity critical --json
      """
  )

  @OptionGroup var global: GlobalOptions
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
  @Flag(help: "One JSON object per line (SPEC fields).") var json = false
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
    let store = try global.openStore()
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
      var table = Self.emptyTable()
      try store.forEachAlert(filter) { Self.add($0, to: &table) }
      if table.isEmpty { print("no alerts match") } else { table.printToStandardOutput() }
    }
    if follow { try followEvents(store) }
  }

  static func table(_ alerts: [AlertRecord]) -> String {
    var table = emptyTable()
    for alert in alerts { add(alert, to: &table) }
    return table.render()
  }

  private static func emptyTable() -> TextTable {
    TextTable("ID", "OPENED (UTC)", "STATE", "SEVERITY", "KIND", "WHERE", "LOTS", "PEAK", "MESSAGE")
  }

  private static func add(_ alert: AlertRecord, to table: inout TextTable) {
    table.add(
      String(alert.id), Self.minute(alert.openedAt),
      alert.state.rawValue, alert.severity.rawValue, alert.kind.rawValue,
      "\(alert.site)/\(alert.room)/\(alert.sensor)", alert.lots.isEmpty ? "-" : alert.lots.joined(separator: ","),
      formatted(alert.peak), alert.message)
  }

  /// `2026-11-29 03:40`: a time to the minute, UTC (the first 16 characters of its RFC 3339 form, `T` a space).
  static func minute(_ time: Timestamp) -> String {
    var text = Array(time.rfc3339.utf8.prefix(16))
    if text.count > 10 { text[10] = UInt8(ascii: " ") }
    return String(decoding: text, as: UTF8.self)
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
