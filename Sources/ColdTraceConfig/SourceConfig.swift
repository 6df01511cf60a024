import ColdTraceCore

/// The `[[source]]` tables of the collector config and the `[[mqtt_source]]` tables of the agent config: third-party
/// publishers mapped into readings (docs/protocol.md, "Sources"), one schema for both. Every mistake is one line
/// naming the table and the key.
public enum SourceConfig {
  static let keys: Set<String> = [
    "id", "site", "preset", "topic", "topics", "room", "sensor", "time", "time_field", "time_unit", "time_zone", "unit",
    "offset_c", "placement", "metric", "temperature_field", "humidity_field", "repeat_within_seconds",
    "offline_after_minutes", "battery_low_pct", "weak_linkquality", "weak_rssi_dbm", "availability",
    "availability_grace_minutes", "map",
  ]
  /// One topic of each shape ColdTrace itself uses, which no source's subscription may match.
  static let ownTopicShapes = [
    "coldtrace/v1/reading/s/r/p", "coldtrace/v1/status/s/a", "coldtrace/v1/ack/s/a", "coldtrace/v1/alert/s/r",
    "coldtrace/v1/limits/s/r",
  ]
  static let rowKeys: Set<String> = ["match", "id", "room", "sensor", "offset_c", "placement", "unit"]

  /// The collector's `[[source]]` tables.
  public static func load(_ config: ConfigTable) throws(ConfigError) -> [SourceMapping] {
    var sources: [SourceMapping] = []
    for table in try config.tables("source") {
      let source = try loadOne(table, site: nil)
      if sources.contains(where: { $0.name == source.name }) {
        throw table.invalid("id", "\"\(source.name)\" names another [[source]] too")
      }
      sources.append(source)
    }
    return sources
  }

  /// One table. With `site` (the agent's own), the table has no `site` key; `extraKeys` are the caller's own
  /// (the agent's `broker`), which it reads itself.
  public static func loadOne(_ table: ConfigTable, site fixedSite: String?, extraKeys: Set<String> = [])
    throws(ConfigError) -> SourceMapping
  {
    try table.rejectUnknownKeys(allowed: (fixedSite == nil ? keys : keys.subtracting(["site"])).union(extraKeys))
    let name = try requiredID(table, "id", as: .agent)
    let site: String
    if let fixedSite { site = fixedSite } else { site = try requiredID(table, "site", as: .site) }
    guard let preset = try table.choice("preset", of: SourcePreset.self) else {
      throw table.invalid("preset", "is required: one of \(SourcePreset.names)")
    }
    let topics = try patterns(table)
    var source = SourceMapping(
      name: name, site: site, preset: preset, topics: topics,
      naming: try naming(table), rows: try rows(table), time: try timePolicy(table, preset))
    source.unit = try table.choice("unit", of: TemperatureUnit.self) ?? .celsius
    source.options.metric = try table.choice("metric", of: SourceMetric.self)
    source.options.temperatureField = try table.string("temperature_field")
    source.options.humidityField = try table.string("humidity_field")
    if preset == .json && source.options.temperatureField == nil && source.options.humidityField == nil {
      throw table.invalid("temperature_field", "or `humidity_field` is required with preset \"json\"")
    }
    source.repeatWithinSeconds = try table.double(
      "repeat_within_seconds", .within(0...86_400, "a day"), default: preset.defaultRepeatWithinSeconds)
    source.offlineAfterMinutes = try table.double("offline_after_minutes", .within(0.05...10_080, "a week"))
    source.health.batteryLowPct = try table.double(
      "battery_low_pct", .within(0...100), default: source.health.batteryLowPct)
    source.health.weakLinkQuality = try table.double(
      "weak_linkquality", .within(0...255), default: source.health.weakLinkQuality)
    source.health.weakRSSIDBm = try table.double("weak_rssi_dbm", .within(-120...0), default: source.health.weakRSSIDBm)
    if let text = try table.string("availability") {
      do throws(TopicPatternError) {
        source.availability = [try TopicPattern(text)]
      } catch {
        throw table.invalid("availability", "\"\(text)\" \(error)")
      }
    }
    source.availabilityGraceMinutes = try table.double(
      "availability_grace_minutes", .within(0...1440, "a day"), default: source.availabilityGraceMinutes)
    try checkNames(source, table)
    return source
  }

  private static func requiredID(_ table: ConfigTable, _ key: String, as kind: IdentifierKind) throws(ConfigError)
    -> String
  {
    guard let text = try table.string(key) else { throw table.invalid(key, "is required") }
    do throws(InvalidIdentifier) {
      try Identifier.validate(text, as: kind)
    } catch {
      throw table.invalid(key, "\(error.explanation)")
    }
    return text
  }

  private static func patterns(_ table: ConfigTable) throws(ConfigError) -> [TopicPattern] {
    let key = table.keys.contains("topics") ? "topics" : "topic"
    let texts = key == "topics" ? try table.strings("topics") ?? [] : try table.string("topic").map { [$0] } ?? []
    guard !texts.isEmpty else {
      throw table.invalid("topic", "is required: the topic pattern, e.g. \"zigbee2mqtt/{room}-{sensor}\"")
    }
    var patterns: [TopicPattern] = []
    for text in texts {
      guard !text.hasPrefix("coldtrace/") && text != "#" else {
        throw table.invalid(key, "\"\(text)\" would take ColdTrace's own topics; a source names its own prefix")
      }
      let pattern: TopicPattern
      do throws(TopicPatternError) {
        pattern = try TopicPattern(text)
      } catch {
        throw table.invalid(key, "\"\(text)\" \(error)")
      }
      // Its subscription must not take ColdTrace's own messages too (they would be handled twice).
      if let own = ownTopicShapes.first(where: { (try? TopicPattern(pattern.filter))?.match($0) != nil }) {
        throw table.invalid(key, "\"\(text)\" subscribes to \(pattern.filter), which takes ColdTrace's own \(own) too")
      }
      patterns.append(pattern)
    }
    return patterns
  }

  private static func naming(_ table: ConfigTable) throws(ConfigError) -> ProbeNaming {
    ProbeNaming(
      room: try template(table, "room"), sensor: try template(table, "sensor"),
      offsetC: try table.double("offset_c", .within(-20...20)), placement: try table.placement("placement"))
  }

  private static func template(_ table: ConfigTable, _ key: String) throws(ConfigError) -> IdTemplate? {
    guard let text = try table.string(key) else { return nil }
    do throws(TopicPatternError) {
      return try IdTemplate(text)
    } catch {
      throw table.invalid(key, "\"\(text)\" \(error)")
    }
  }

  private static func rows(_ table: ConfigTable) throws(ConfigError) -> [SourceMapRow] {
    var rows: [SourceMapRow] = []
    for row in try table.tables("map") {
      try row.rejectUnknownKeys(allowed: rowKeys)
      var match: TopicPattern? = nil
      if let text = try row.string("match") {
        do throws(TopicPatternError) {
          match = try TopicPattern(text)
        } catch {
          throw row.invalid("match", "\"\(text)\" \(error)")
        }
      }
      let id = try row.string("id")
      guard match != nil || id != nil else {
        throw row.invalid("match", "or `id` is required: which messages or which probe the row maps")
      }
      rows.append(
        SourceMapRow(
          match: match, id: id, naming: try naming(row), unit: try row.choice("unit", of: TemperatureUnit.self)))
    }
    return rows
  }
}
