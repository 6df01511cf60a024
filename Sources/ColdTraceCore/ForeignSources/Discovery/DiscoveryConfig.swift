/// One retained Home Assistant MQTT discovery config, `<prefix>/sensor/[<node_id>/]<object_id>/config`, as
/// Zigbee2MQTT, ESPHome, Tasmota (`SetOption19 1`) and OpenMQTTGateway publish them: a catalogue entry naming a
/// sensor's state topic, the JSON path of its value (`value_template`), its unit and its availability topic. Keys may
/// be written in full or abbreviated (`stat_t`, `dev_cla`, `unit_of_meas`, `val_tpl`, `avty_t`, `dev`, …; ESPHome and
/// Tasmota abbreviate), and topics may start or end with `~`, the config's base topic.
public struct DiscoveredSensor: Sendable, Equatable {
  /// The device the sensor belongs to, as its config describes it.
  public struct Device: Sendable, Equatable {
    public var name: String?
    public var identifiers: [String] = []
    public var suggestedArea: String?
    public var software: String?
    public var manufacturer: String?
    public var model: String?
    public init() {}
  }

  public var configTopic: String
  public var objectID: String
  public var metric: SourceMetric
  public var stateTopic: String
  public var value: ValueTemplate
  /// `°F` (or `F`): the device publishes Fahrenheit.
  public var unit: TemperatureUnit
  /// The device's own availability topic (Zigbee2MQTT's bridge state is left out: it is no one device's).
  public var availabilityTopic: String?
  public var device: Device
  /// The publishing software (`origin.name`, e.g. `Zigbee2MQTT`).
  public var origin: String?
}

/// What one discovery config is, for `coldtrace sources discover`.
public enum DiscoveryEntry: Sendable, Equatable {
  /// A temperature or humidity sensor ColdTrace can map.
  case sensor(DiscoveredSensor)
  /// Zigbee2MQTT's `last_seen` entity: the device's state messages on this topic carry their own time.
  case lastSeen(stateTopic: String)
  /// Another kind of entity (battery, link quality, a switch): nothing to map.
  case other
  /// A temperature or humidity sensor that cannot be mapped, and why (one line).
  case unusable(String)

  /// Reads a config message; `prefix` is the discovery prefix (`homeassistant`).
  public static func read(topic: String, payload: UnsafeRawBufferPointer, prefix: String) -> DiscoveryEntry {
    let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
    let prefixLevels = prefix.split(separator: "/", omittingEmptySubsequences: false).count
    guard levels.count == prefixLevels + 3 || levels.count == prefixLevels + 4, levels.last == "config",
      levels[prefixLevels] == "sensor", payload.count > 0,
      case .object(let object)? = try? JSONParser.parse(payload)
    else { return .other }
    let config = AbbreviatedConfig(object)
    let stateTopic = config.topic("state_topic")
    let template = config.string("value_template")
    let deviceClass = config.string("device_class")
    if deviceClass == "timestamp", let stateTopic, case .field(let path)? = ValueTemplate(template),
      path == ["last_seen"]
    {
      return .lastSeen(stateTopic: stateTopic)
    }
    guard let deviceClass, let metric = SourceMetric(rawValue: deviceClass) else { return .other }
    guard let stateTopic, !stateTopic.isEmpty, !stateTopic.contains("+"), !stateTopic.contains("#") else {
      return .unusable("\(topic): no state topic")
    }
    guard let value = ValueTemplate(template) else {
      return .unusable(
        "\(topic): value template \(template.map { JSONText.quoted($0) } ?? "") is not one ColdTrace reads")
    }
    let unitText = config.string("unit_of_measurement") ?? ""
    let unit: TemperatureUnit = unitText.hasSuffix("F") ? .fahrenheit : .celsius
    if metric == .temperature, !unitText.isEmpty, !unitText.hasSuffix("C"), !unitText.hasSuffix("F") {
      return .unusable("\(topic): unit \(JSONText.quoted(unitText)) is neither °C nor °F")
    }
    return .sensor(
      DiscoveredSensor(
        configTopic: topic, objectID: String(levels[levels.count - 2]), metric: metric, stateTopic: stateTopic,
        value: value, unit: unit, availabilityTopic: config.availabilityTopic, device: config.device,
        origin: config.object("origin").flatMap { AbbreviatedConfig($0).string("name") }))
  }
}

/// A discovery config's keys, full or abbreviated, and its `~` base topic.
struct AbbreviatedConfig {
  static let abbreviations = [
    "state_topic": "stat_t", "value_template": "val_tpl", "device_class": "dev_cla",
    "unit_of_measurement": "unit_of_meas", "availability_topic": "avty_t", "availability": "avty", "device": "dev",
    "origin": "o", "name": "name", "identifiers": "ids", "suggested_area": "sa", "sw_version": "sw",
    "manufacturer": "mf", "model": "mdl", "topic": "t", "payload_available": "pl_avail",
  ]
  let object: JSONObject
  let base: String?

  init(_ object: JSONObject, base: String? = nil) {
    self.object = object
    if case .string(let tilde)? = object["~"] { self.base = tilde } else { self.base = base }
  }

  func value(_ key: String) -> JSONValue? { object[key] ?? Self.abbreviations[key].flatMap { object[$0] } }

  func string(_ key: String) -> String? {
    if case .string(let text)? = value(key) { return text }
    return nil
  }

  func object(_ key: String) -> JSONObject? {
    if case .object(let inner)? = value(key) { return inner }
    return nil
  }

  /// A topic with `~` at its start or end replaced by the base topic.
  func topic(_ key: String) -> String? {
    guard let text = string(key) else { return nil }
    guard let base else { return text }
    if text.hasPrefix("~") { return base + text.dropFirst() }
    if text.hasSuffix("~") { return text.dropLast() + base }
    return text
  }

  /// The first availability topic that is the device's own: `availability_topic`, or an `availability` list entry
  /// that is not Zigbee2MQTT's `bridge/state`. Only the usual online/offline words are understood
  /// (`DeviceAvailability`), so one with other payloads is left out.
  var availabilityTopic: String? {
    if let payload = string("payload_available"), DeviceAvailability(text: payload) != .online { return nil }
    var topics: [String] = []
    if let single = topic("availability_topic") { topics.append(single) }
    if case .array(let entries)? = value("availability") {
      for case .object(let entry) in entries {
        if let topic = AbbreviatedConfig(entry, base: base).topic("topic") { topics.append(topic) }
      }
    }
    return topics.first { !$0.hasSuffix("/bridge/state") }
  }

  var device: DiscoveredSensor.Device {
    var device = DiscoveredSensor.Device()
    guard let inner = object("device") else { return device }
    let config = AbbreviatedConfig(inner)
    device.name = config.string("name")
    switch config.value("identifiers") {
    case .string(let id)?: device.identifiers = [id]
    case .array(let ids)?: device.identifiers = ids.compactMap { if case .string(let id) = $0 { id } else { nil } }
    default: break
    }
    device.suggestedArea = config.string("suggested_area")
    device.software = config.string("sw_version")
    device.manufacturer = config.string("manufacturer")
    device.model = config.string("model")
    return device
  }
}
