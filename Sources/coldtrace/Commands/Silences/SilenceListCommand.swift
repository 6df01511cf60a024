import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

struct SilenceListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "The silences in force (with --all, also those ended or expired), then the config's maintenance windows.",
    discussion: "Example: coldtrace silence list --all --json")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @Flag(help: "Also the silences that ended or expired.") var all = false
  @Flag(help: "One JSON object per silence per line.") var json = false

  func run() throws {
    let now = WallClock.now()
    let settings = try global.settings()
    let windows = settings.maintenance
    let zones = localTime.zones(settings)
    let silences = try global.openStore().silences(all: all, now: now)
    if json {
      for silence in silences { print(Self.jsonLine(silence, now: now)) }
      return
    }
    defer {
      // The config's scheduled windows, when --config names one: they silence too, at their hours.
      for window in windows { print("\(window.id): \(window.summary)") }
    }
    guard !silences.isEmpty else {
      print(all ? "no silences" : "no silence in force (add one with `coldtrace silence add`)")
      return
    }
    var table = TextTable("ID", "SCOPE", "FROM", "UNTIL", "REASON", "BY", "ENDED")
    for silence in silences {
      let site = silence.scope.site
      let ended =
        silence.endedAt.map { "\(zones.minute($0, site: site)) by \(silence.endedBy ?? "-")" }
        ?? (silence.until <= now ? "expired" : "-")
      table.add(
        String(silence.id), silence.scope.description, zones.minute(silence.from, site: site),
        zones.minute(silence.until, site: site), silence.reason, silence.by, ended)
    }
    print(table.render())
    print(zones.statement(sites: silences.map(\.scope.site), times: silences.flatMap { [$0.from, $0.until] }))
  }

  /// `{"id":3,"scope":"hongxuan/cold2","site":…,"room":…,"sensor":…,"from":…,"until":…,"reason":…,"by":…,
  /// "ended_at":…,"ended_by":…,"state":"active"}`; `state` is `active`, `ended` (early) or `expired`.
  static func jsonLine(_ silence: Silence, now: Timestamp) -> String {
    JSONObjectWriter.object { json in
      json.integer("id", silence.id)
      json.string("scope", silence.scope.description)
      json.string("site", silence.scope.site)
      json.string("room", silence.scope.room)
      json.string("sensor", silence.scope.sensor)
      json.string("from", silence.from.rfc3339)
      json.string("until", silence.until.rfc3339)
      json.string("reason", silence.reason)
      json.string("by", silence.by)
      json.string("ended_at", silence.endedAt?.rfc3339)
      json.string("ended_by", silence.endedBy)
      json.string("state", silence.isActive(at: now) ? "active" : silence.endedAt != nil ? "ended" : "expired")
    }
  }
}
