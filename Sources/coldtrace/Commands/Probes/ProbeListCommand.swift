import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

struct ProbeListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "Every probe: where it hangs, its agent, its latest reading, whether it is retired, its calibration.",
    discussion: "Example: coldtrace probe list --site hongxuan --all")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @Option(help: "Only this site's probes.") var site: String?
  @Flag(help: "Retired probes too.") var all = false
  @Flag(help: "One JSON object per probe per line.") var json = false

  func run() throws {
    let site = try validated(site, as: .site, option: "--site")
    let settings = try global.settings()
    let store = try global.openStore()
    let now = WallClock.now()
    let records = try store.probeRecords(site: site, retired: all, now: now)
    let placements = try store.placements(overriddenBy: settings)
    if json {
      for record in records { print(ProbeJSON.line(record, placement: placements[record.probe] ?? .air, now: now)) }
      return
    }
    guard !records.isEmpty else {
      print(all ? "no probes have reported yet" : "no active probes (`--all` lists retired ones too)")
      return
    }
    let zones = localTime.zones(settings)
    var table = TextTable(
      "PROBE", "ROOM", "PLACEMENT", "AGENT", "LAST READING", "STATE", "CERTIFICATE", "CALIBRATION DUE")
    for record in records {
      let state =
        record.retirement.map { retired in "retired" + (retired.successor.map { " → \($0)" } ?? "") } ?? "active"
      table.add(
        "\(record.probe.site)/\(record.probe.sensor)", record.room, (placements[record.probe] ?? .air).rawValue,
        record.agent ?? "-", record.lastReading.map { zones.minute($0, site: record.probe.site) } ?? "-", state,
        record.calibration?.certificate ?? "-", ProbeJSON.due(record.calibration, now: now))
    }
    print(table.render())
    let read = records.filter { $0.lastReading != nil }
    print(zones.statement(sites: read.map(\.probe.site), times: read.compactMap(\.lastReading)))
  }
}

/// Probes as JSON lines (`probe list --json`; docs/protocol.md, "JSON output of the shell").
enum ProbeJSON {
  static func line(_ record: ProbeRecord, placement: Placement, now: Timestamp) -> String {
    JSONObjectWriter.object { json in
      json.string("site", record.probe.site)
      json.string("sensor", record.probe.sensor)
      json.string("room", record.room)
      json.string("placement", placement.rawValue)
      json.string("agent", record.agent)
      json.string("last_reading", record.lastReading?.rfc3339)
      json.string("state", record.retirement == nil ? "active" : "retired")
      json.string("retired_at", record.retirement?.at.rfc3339)
      json.string("retired_reason", record.retirement?.reason)
      json.string("retired_by", record.retirement?.by)
      json.string("successor", record.retirement?.successor)
      json.string("predecessor", record.predecessor)
      json.string("certificate", record.calibration?.certificate)
      json.string("calibrated_at", record.calibration?.calibratedAt.rfc3339)
      json.string("calibration_due", record.calibration?.due.rfc3339)
      json.string(
        "calibration_state", record.calibration.map { CalibrationRule().state(of: $0, now: now).rawValue })
    }
  }

  /// The due date and where it stands, or that no calibration is on record.
  static func due(_ calibration: ProbeCalibration?, now: Timestamp) -> String {
    guard let calibration else { return "no calibration on record" }
    let day = String(calibration.due.rfc3339.prefix(10))
    switch CalibrationRule().state(of: calibration, now: now) {
    case .valid: return day
    case .due: return day + " (due soon)"
    case .overdue: return day + " (OVERDUE)"
    }
  }
}
