/// One source `DiscoveryPlan` proposes, written as the TOML table an operator pastes into the collector config
/// (`[[source]]`) or an agent config (`[[mqtt_source]]`): the keys `SourceConfig` reads, nothing else.
public struct ProposedSource: Sendable {
  public enum Time: String, Sendable { case payload, receipt }

  public var target: DiscoveryPlan.Target
  /// The device and the configs it came from: the table's first comment line.
  public var about: String
  public var id = ""
  public var preset = SourcePreset.plain
  public var topic: String
  public var room: String
  public var sensor: String?
  public var metric: SourceMetric?
  public var temperatureField: String?
  public var humidityField: String?
  public var time = Time.receipt
  public var timeZone: String?
  public var availability: String?
  public var unit: TemperatureUnit?
  public var offlineAfterMinutes: Double?
  /// Comment lines after `about`: what the operator should know or check.
  public var notes: [String] = []
  /// Written as comments only: it cannot be mapped as it is.
  public var disabled = false

  init(
    target: DiscoveryPlan.Target, about: String, topic: String, room: String, availability: String?,
    unit: TemperatureUnit?
  ) {
    self.target = target
    self.about = about
    self.topic = topic
    self.room = room
    self.availability = availability
    self.unit = unit
  }

  /// The table, comments first, ending with a newline.
  public var toml: String {
    var lines = (["# \(about)"] + notes.map { "# \($0)" }).map(Self.commentLine)
    var table: [String] = []
    switch target {
    case .collector(let site):
      table += ["[[source]]", "id = \(quoted(id))", "site = \(quoted(site))"]
    case .agent(let broker, _):
      table += ["[[mqtt_source]]", "id = \(quoted(id))", "broker = \(quoted(broker))"]
    }
    table.append("preset = \(quoted(preset.rawValue))")
    table.append("topic = \(quoted(topic))")
    table.append("room = \(quoted(room))")
    if let sensor { table.append("sensor = \(quoted(sensor))") }
    if let metric { table.append("metric = \(quoted(metric.rawValue))") }
    if let temperatureField { table.append("temperature_field = \(quoted(temperatureField))") }
    if let humidityField { table.append("humidity_field = \(quoted(humidityField))") }
    if unit == .fahrenheit { table.append("unit = \"F\"") }
    table.append("time = \(quoted(time.rawValue))")
    if let timeZone { table.append("time_zone = \(quoted(timeZone))") }
    if let availability { table.append("availability = \(quoted(availability))") }
    if let offlineAfterMinutes { table.append("offline_after_minutes = \(JSONText.number(offlineAfterMinutes))") }
    if case .agent(_, let files) = target, !files.isEmpty {
      table += ["[mqtt_source.tls]"] + files.map { "\($0.key) = \(quoted($0.path))" }
    }
    lines += disabled ? table.map { "# \($0)" } : table
    return lines.joined(separator: "\n") + "\n"
  }

  /// A comment line that stays one line: the manufacturer, model and topic come from the broker, and a newline or
  /// another control character in them must not become a line of the config the operator pastes.
  static func commentLine(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
  }

  /// A TOML basic string (JSON's escapes are TOML's).
  private func quoted(_ text: String) -> String { JSONText.quoted(text) }
}
