import ColdTraceCore

extension SourceConfig {
  /// `time` is required: payload time (with its field, unit and, for a local time, zone) or receipt time.
  static func timePolicy(_ table: ConfigTable, _ preset: SourcePreset) throws(ConfigError) -> TimePolicy {
    guard let word = try table.string("time") else {
      throw table.invalid(
        "time", "is required: \"payload\" (the device's own time) or \"receipt\" (the collector's clock on arrival)")
    }
    let zone = try table.string("time_zone")
    if let zone, UTCOffset.seconds(zone) == nil {
      throw table.invalid("time_zone", "must be an offset from UTC written +HH:MM or -HH:MM (or Z)")
    }
    switch word {
    case "receipt":
      for key in ["time_field", "time_unit", "time_zone"] where table.keys.contains(key) {
        throw table.invalid(key, "applies only to time = \"payload\"")
      }
      return .receipt
    case "payload":
      guard preset.hasPayloadTime else {
        throw table.invalid("time", "cannot be \"payload\": preset \(preset.rawValue) sends no time; use \"receipt\"")
      }
      let field = try table.string("time_field") ?? preset.defaultTimeField
      if preset == .json && field == nil {
        throw table.invalid("time_field", "is required with preset \"json\" and time = \"payload\"")
      }
      if preset == .tasmota && zone == nil {
        throw table.invalid(
          "time_zone", "is required: Tasmota's Time is the ESP's local time without an offset, e.g. \"+07:00\"")
      }
      let unit = try table.choice("time_unit", of: PayloadTime.Unit.self) ?? preset.defaultTimeUnit
      return .payload(PayloadTime(field: preset == .collectd ? nil : field, unit: unit, zone: zone))
    default:
      throw table.invalid("time", "must be \"payload\" or \"receipt\" (got \"\(word)\")")
    }
  }

  /// Every name a room or sensor template uses must come from the topic (a capture) or the message (`{id}`, for
  /// presets whose messages carry several probes); with no template, the topic must capture `{room}`/`{sensor}`.
  static func checkNames(_ source: SourceMapping, _ table: ConfigTable) throws(ConfigError) {
    let messageIDs: Set<String> = source.preset == .tasmota || source.preset == .shellyGen2 ? ["id"] : []
    let sourceCaptures = source.topics.map { Set($0.captureNames).union(messageIDs) }
    let rows = source.rows.isEmpty ? [nil] : source.rows.map { Optional($0) }
    for row in rows {
      let rowCaptures = Set(row?.match?.captureNames ?? [])
      for (key, template) in [
        ("room", row?.naming.room ?? source.naming.room ?? IdTemplate.capture("room")),
        ("sensor", row?.naming.sensor ?? source.naming.sensor ?? IdTemplate.capture("sensor")),
      ] {
        for name in template.names {
          let missing = sourceCaptures.contains { !$0.union(rowCaptures).contains(name) }
          guard missing else { continue }
          throw table.invalid(
            row == nil ? key : "map",
            "uses {\(name)}, which a topic pattern of this source does not capture; set `\(key)` or capture {\(name)}")
        }
      }
    }
  }
}

/// A fixed offset from UTC as config files write it: `"+07:00"`, `"-03:30"`, `"Z"`.
public enum UTCOffset {
  /// `"+07:00"` → 25,200; `"Z"` → 0; `nil` for anything else (beyond ±14:00 too).
  public static func seconds(_ text: String) -> Int? {
    if text == "Z" { return 0 }
    let body = text.dropFirst()
    let parts = body.split(separator: ":", omittingEmptySubsequences: false)
    guard let sign = text.first, sign == "+" || sign == "-", parts.count == 2,
      parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }), let hour = Int(parts[0]),
      let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 14 * 60
    else { return nil }
    return (sign == "-" ? -1 : 1) * (hour * 3600 + minute * 60)
  }
}
