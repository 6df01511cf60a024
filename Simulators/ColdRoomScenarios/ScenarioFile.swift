import ColdRoomSimulation
import ColdTraceConfig
import ColdTraceCore

/// Reads a scenario TOML file (see `Simulators/scenarios/README.md`); every error names the file, the line and the key.
public enum ScenarioFile {
  static let topKeys: Set<String> = [
    "name", "description", "start", "hours", "days", "sample_seconds", "seed", "room", "product", "defrost", "ambient",
    "probe", "event",
  ]

  /// Parses the scenario at `path`.
  public static func load(_ path: String) throws(ConfigError) -> Scenario {
    try parse(ConfigTable(contentsOf: path))
  }

  /// Parses `text` as if read from `path`.
  public static func parse(text: String, path: String) throws(ConfigError) -> Scenario {
    try parse(ConfigTable(path: path, text: text))
  }

  static func parse(_ table: ConfigTable) throws(ConfigError) -> Scenario {
    try table.rejectUnknownKeys(allowed: topKeys)
    guard let name = try table.string("name") else { throw table.invalid("name", "is required") }
    var start = Timestamp.parseRFC3339("2026-06-01T00:00:00Z")!
    if let text = try table.string("start") {
      guard let parsed = Timestamp.parseRFC3339(text) else {
        throw table.invalid("start", "must be an RFC 3339 time such as 2026-06-12T00:00:00Z")
      }
      start = parsed
    }
    let hours = try table.double("hours") ?? 0
    let days = try table.double("days") ?? 0
    let duration = (hours + days * 24) * 3600
    guard duration > 0 else { throw table.invalid("hours", "(or `days`) must give a positive run length") }
    let sampleSeconds = try table.double("sample_seconds", .positive, default: 60)
    let seed = try table.int("seed") ?? 1
    var configuration = ColdRoom.Configuration()
    if let room = try table.table("room") { try RoomSection.apply(room, to: &configuration) }
    if let product = try table.table("product") { try RoomSection.applyProduct(product, to: &configuration) }
    if let defrost = try table.table("defrost") { try RoomSection.applyDefrost(defrost, to: &configuration) }
    if let ambient = try table.table("ambient") { try RoomSection.applyAmbient(ambient, to: &configuration) }
    var probes: [Probe] = []
    for section in try table.tables("probe") {
      let probe = try ProbeSection.parse(section)
      if probes.contains(where: { $0.id == probe.id }) { throw section.invalid("id", "repeats probe \(probe.id)") }
      probes.append(probe)
    }
    guard !probes.isEmpty else { throw table.invalid("probe", "needs at least one [[probe]]") }
    var events: [RoomEvent] = []
    for section in try table.tables("event") {
      events.append(try EventSection.parse(section, probeIDs: Set(probes.map(\.id))))
    }
    return Scenario(
      name: name, description: try table.string("description") ?? "", start: start, durationSeconds: duration,
      sampleSeconds: sampleSeconds, seed: UInt64(truncatingIfNeeded: seed), configuration: configuration,
      probes: probes, events: events)
  }
}
