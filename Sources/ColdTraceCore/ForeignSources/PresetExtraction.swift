/// One probe's values as a preset found them in a message, before ids, units and offsets are applied.
struct FoundValue: Equatable, Sendable {
  /// The probe's stable id within the message: Tasmota's DS18B20 ROM `Id` (never its `DS18B20-N` key, which
  /// renumbers when a probe is added), else the sensor's key (`SHT3X-44`: the I²C address); Shelly Gen2's component
  /// id. `nil` when a message carries one probe.
  var id: String?
  var temperature: Double?
  /// The unit the payload itself states (Tasmota's `TempUnit`, Shelly Gen2's `tC`), winning over the table's.
  var statedUnit: TemperatureUnit?
  var humidity: Double?
  /// Battery and radio link, when the message reports them.
  var health = ProbeHealth()

  var hasValue: Bool { temperature != nil || humidity != nil }
}

/// What a message holds: its probes' values and its time field (if any). `nil` from `PresetExtraction.extract`:
/// the message is not a reading (a Shelly battery topic, a Zigbee2MQTT bridge message) and is ignored.
struct Extraction: Sendable {
  var values: [FoundValue]
  var time: JSONValue?
}

/// The per-preset reading of a message; see `SourcePreset` for the shapes.
enum PresetExtraction {
  struct Options: Sendable {
    var metric: SourceMetric?
    var temperatureField: String?
    var humidityField: String?
    var timeField: String?
  }

  static func extract(
    _ preset: SourcePreset, levels: [Substring], payload: UnsafeRawBufferPointer, options: Options
  ) throws(PayloadRejection) -> Extraction? {
    switch preset {
    case .zigbee2mqtt:
      if levels.count >= 2 && levels[1] == "bridge" { return nil }
      if let last = levels.last, ["availability", "set", "get"].contains(last) { return nil }
      let object = try jsonObject(payload)
      var found = FoundValue(temperature: number(object["temperature"]), humidity: number(object["humidity"]))
      found.health = ProbeHealth(batteryPct: number(object["battery"]), linkQuality: number(object["linkquality"]))
      return try single(found, time: object.at(path: options.timeField ?? "last_seen"), what: "temperature or humidity")
    case .tasmota:
      return try tasmota(jsonObject(payload), timeField: options.timeField ?? "Time")
    case .shellyGen1:
      switch levels.last {
      case "temperature": return try plain(payload, as: .temperature)
      case "humidity": return try plain(payload, as: .humidity)
      case "battery":
        guard let battery = Double(try utf8Text(payload).trimmingASCIIWhitespace), battery.isFinite else { return nil }
        return Extraction(values: [FoundValue(health: ProbeHealth(batteryPct: battery))], time: nil)
      default: return nil
      }
    case .shellyGen2:
      return try shellyGen2(jsonObject(payload), timeField: options.timeField ?? "params.ts")
    case .esphome, .haStatestream, .plain:
      return try plain(payload, as: options.metric ?? .temperature)
    case .collectd:
      return try collectd(levels: levels, payload: payload, metric: options.metric)
    case .json:
      let object = JSONValue.object(try jsonObject(payload))
      return try single(
        FoundValue(
          temperature: number(options.temperatureField.flatMap { object.at(path: $0) }),
          humidity: number(options.humidityField.flatMap { object.at(path: $0) })),
        time: options.timeField.flatMap { object.at(path: $0) },
        what: [options.temperatureField, options.humidityField].compactMap { $0 }.joined(separator: " or "))
    }
  }

  /// `what`: the fields looked for, written only into a rejection (not built for every message).
  private static func single(_ value: FoundValue, time: JSONValue?, what: @autoclosure () -> String)
    throws(PayloadRejection) -> Extraction
  {
    guard value.hasValue || !value.health.isEmpty else {
      throw PayloadRejection(.noValue, "the payload has no numeric \(what())")
    }
    return Extraction(values: [value], time: time)
  }

  /// Every member that is an object with a `Temperature` or `Humidity`, but the ESP32's own chip temperature.
  private static func tasmota(_ object: JSONObject, timeField: String) throws(PayloadRejection) -> Extraction {
    let unit: TemperatureUnit? = object["TempUnit"] == .string("F") ? .fahrenheit : .celsius
    var values: [FoundValue] = []
    for member in object.members where member.key != "ESP32" {
      guard case .object(let sensor) = member.value else { continue }
      let found = FoundValue(
        id: sensor["Id"].flatMap { if case .string(let id) = $0 { return id } else { return nil } } ?? member.key,
        temperature: number(sensor["Temperature"]), statedUnit: unit, humidity: number(sensor["Humidity"]))
      if found.temperature != nil || found.humidity != nil { values.append(found) }
    }
    guard !values.isEmpty else {
      throw PayloadRejection(.noValue, "no sensor object with a numeric Temperature or Humidity")
    }
    return Extraction(values: values, time: JSONValue.object(object).at(path: timeField))
  }

  /// `NotifyStatus`/`NotifyFullStatus`: `temperature:N`, `humidity:N` and `devicepower:N` (battery) components,
  /// merged by `N`, and the Wi-Fi `rssi`. Other methods, and statuses with none of these, are ignored.
  private static func shellyGen2(_ object: JSONObject, timeField: String) throws(PayloadRejection) -> Extraction? {
    guard case .string(let method)? = object["method"], method == "NotifyStatus" || method == "NotifyFullStatus",
      case .object(let params)? = object["params"]
    else { return nil }
    var values: [FoundValue] = []
    func merge(_ id: String, _ change: (inout FoundValue) -> Void) {
      if let index = values.firstIndex(where: { $0.id == id }) {
        change(&values[index])
      } else {
        var value = FoundValue(id: id)
        change(&value)
        values.append(value)
      }
    }
    for member in params.members {
      guard case .object(let component) = member.value else { continue }
      if member.key.hasPrefix("temperature:"), let celsius = number(component["tC"]) {
        merge(String(member.key.dropFirst(12))) {
          $0.temperature = celsius
          $0.statedUnit = .celsius
        }
      } else if member.key.hasPrefix("humidity:"), let rh = number(component["rh"]) {
        merge(String(member.key.dropFirst(9))) { $0.humidity = rh }
      } else if member.key.hasPrefix("devicepower:"),
        let percent = number(JSONValue.object(component).at(path: "battery.percent"))
      {
        merge(String(member.key.dropFirst(12))) { $0.health.batteryPct = percent }
      }
    }
    if let rssi = number(JSONValue.object(params).at(path: "wifi.rssi")) {
      if values.isEmpty { values.append(FoundValue(id: "0")) }
      for index in values.indices { values[index].health.rssiDBm = rssi }
    }
    guard !values.isEmpty else { return nil }
    return Extraction(values: values, time: JSONValue.object(object).at(path: timeField))
  }

  /// `1764387600.123:3.42`: the time in seconds, then the value (the first of a multi-value type). The type level
  /// (`temperature`, `humidity-…`) names the metric unless the table does.
  private static func collectd(levels: [Substring], payload: UnsafeRawBufferPointer, metric: SourceMetric?)
    throws(PayloadRejection) -> Extraction
  {
    let text = try utf8Text(payload)
    let fields = text.split(separator: ":", omittingEmptySubsequences: false)
    guard fields.count >= 2, let time = Double(fields[0]) else {
      throw PayloadRejection(.noValue, "\(Excerpt.quoted(text)) is not <epoch seconds>:<value>")
    }
    let type = levels.last.map { $0.split(separator: "-").first ?? $0 } ?? ""
    guard let quantity = metric ?? SourceMetric(rawValue: String(type)) else {
      throw PayloadRejection(.noValue, "type \(Excerpt.quoted(type)) is neither temperature nor humidity")
    }
    var extraction = try plainValue(String(fields[1]), as: quantity)
    extraction.time = .number(time)
    return extraction
  }

  private static func plain(_ payload: UnsafeRawBufferPointer, as metric: SourceMetric) throws(PayloadRejection)
    -> Extraction
  {
    try plainValue(try utf8Text(payload), as: metric)
  }

  /// A number, alone: `3.42`. `nan` (ESPHome's failed sensor), `unavailable` and `unknown` (Home Assistant) are not.
  private static func plainValue(_ text: String, as metric: SourceMetric) throws(PayloadRejection) -> Extraction {
    let trimmed = text.trimmingASCIIWhitespace
    guard let value = Double(trimmed), value.isFinite else {
      throw PayloadRejection(.noValue, "\(Excerpt.quoted(trimmed)) is not a number")
    }
    let found =
      metric == .temperature ? FoundValue(temperature: value) : FoundValue(humidity: value)
    return Extraction(values: [found], time: nil)
  }

  private static func utf8Text(_ payload: UnsafeRawBufferPointer) throws(PayloadRejection) -> String {
    guard let text = String(validating: payload, as: UTF8.self) else {
      throw PayloadRejection(.invalidUTF8, "the payload is not UTF-8 text")
    }
    return text
  }

  private static func jsonObject(_ payload: UnsafeRawBufferPointer) throws(PayloadRejection) -> JSONObject {
    let document: JSONValue
    do throws(JSONParseError) {
      document = try JSONParser.parse(payload)
    } catch {
      throw PayloadRejection(error)
    }
    guard case .object(let object) = document else {
      throw PayloadRejection(.wrongType, "the payload must be a JSON object, got \(document.typeName)")
    }
    return object
  }

  private static func number(_ value: JSONValue?) -> Double? {
    if case .number(let number)? = value { return number }
    return nil
  }
}

extension JSONValue {
  /// The value at a dotted path (`params.ts`), or `nil`.
  func at(path: String) -> JSONValue? {
    // A top-level field (`t`, `last_seen`): one lookup, no split.
    if !path.utf8.contains(UInt8(ascii: ".")) && !path.isEmpty {
      guard case .object(let object) = self else { return nil }
      return object[path]
    }
    var current = self
    for key in path.split(separator: ".") {
      guard case .object(let object) = current, let next = object[String(key)] else { return nil }
      current = next
    }
    return current
  }
}

extension JSONObject {
  fileprivate func at(path: String) -> JSONValue? { JSONValue.object(self).at(path: path) }
}

extension StringProtocol {
  fileprivate var trimmingASCIIWhitespace: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
      return ""
    }
    return String(self[first...last])
  }
}
