import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

struct ReadingsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "readings",
    abstract: "Print the stored samples, oldest first.",
    discussion: "Example: coldtrace readings --site hongxuan --room cold2 --since 24h --format csv > cold2.csv"
  )

  enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv }

  @OptionGroup var global: GlobalOptions
  @Option var site: String?
  @Option var room: String?
  @Option var sensor: String?
  @Option(help: ArgumentHelp("From this time.", valueName: "24h|7d|RFC3339")) var since: String?
  @Option(help: ArgumentHelp("Up to this time.", valueName: "24h|7d|RFC3339")) var until: String?
  @Option(help: "json (one object per line) or csv.") var format: Format = .json

  func run() throws {
    var filter = ReadingFilter()
    filter.site = try validated(site, as: .site, option: "--site")
    filter.room = try validated(room, as: .room, option: "--room")
    filter.sensor = try validated(sensor, as: .sensor, option: "--sensor")
    filter.since = try parseTime(since, option: "--since")
    filter.until = try parseTime(until, option: "--until")
    let store = try global.openShellStore(schemaVersion: 4)
    let readings = try store.readings(filter)
    let placements = try store.placements(overriddenBy: try global.settings())
    if format == .csv { print("site,room,sensor,agent,seq,ts,temp_c,rh_pct,error,placement,defrost,door_open") }
    for reading in readings {
      let placement = placements[ProbeKey(site: reading.key.site, sensor: reading.key.sensor)] ?? .air
      print(format == .json ? Self.json(reading, placement: placement) : Self.csv(reading, placement: placement))
    }
  }

  static func json(_ reading: StoredReading, placement: Placement = .air) -> String {
    let sample = reading.sample
    return JSONObjectWriter.object { json in
      json.string("site", reading.key.site)
      json.string("room", reading.key.room)
      json.string("sensor", reading.key.sensor)
      json.string("agent", reading.agent)
      json.string("placement", placement.rawValue)
      json.integer("seq", sample.seq)
      json.string("ts", sample.ts.rfc3339)
      json.number("temp_c", sample.tempC)
      json.number("rh_pct", sample.rhPct)
      if let error = sample.error { json.string("error", error) }
      if let defrost = sample.defrost { json.bool("defrost", defrost) }
      if let doorOpen = sample.doorOpen { json.bool("door_open", doorOpen) }
      if let quality = sample.timeQuality { json.string("time_quality", quality.rawValue) }
    }
  }

  static func csv(_ reading: StoredReading, placement: Placement = .air) -> String {
    let sample = reading.sample
    let cells = [
      reading.key.site, reading.key.room, reading.key.sensor, reading.agent ?? "", sample.seq.map { String($0) } ?? "",
      sample.ts.rfc3339, sample.tempC.map(JSONText.number) ?? "", sample.rhPct.map(JSONText.number) ?? "",
      sample.error.map(csvQuoted) ?? "", placement.rawValue, sample.defrost.map { String($0) } ?? "",
      sample.doorOpen.map { String($0) } ?? "",
    ]
    return cells.joined(separator: ",")
  }

  private static func csvQuoted(_ text: String) -> String {
    "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
  }
}
