/// `coldtrace sources discover`'s proposal: one `[[source]]` (or, for an agent, `[[mqtt_source]]`) per state topic of
/// the temperature and humidity sensors the discovery configs name, with the preset, fields, unit, time policy and
/// availability topic that read it. Pure: `DiscoveryEntry` reads the configs, `ProposedSource.toml` writes the rows.
///
/// - Zigbee2MQTT (`origin` or device ids say so) with `temperature`/`humidity` fields: preset `zigbee2mqtt`, timed by
///   `last_seen` when the device publishes a `last_seen` entity, else at receipt; `offline_after_minutes = 90` (a
///   battery sensor reports about hourly when nothing changes).
/// - Tasmota (`…/SENSOR` with `{{ value_json['<sensor>']['Temperature'] }}`): preset `tasmota`, every probe named by
///   its stable id (`{id}`: a DS18B20's ROM code, never its `DS18B20-N` key, which renumbers), timed by `Time` at the
///   given zone, else at receipt.
/// - A plain number (ESPHome, anything with `{{ value }}`): preset `esphome` or `plain` with its `metric`, at receipt.
/// - Any other JSON field: preset `json` with `temperature_field`/`humidity_field`, at receipt.
///
/// Rooms: the device's `suggested_area`, else the first level of a name like `cold2/snzb-1` (the Zigbee2MQTT habit),
/// else `defaultRoom`; the operator checks them before pasting.
public struct DiscoveryPlan: Sendable {
  public enum Target: Sendable {
    /// `[[source]]` tables of the collector config, for this site.
    case collector(site: String)
    /// `[[mqtt_source]]` tables of an agent config, reading this broker (its URL without the password), with the
    /// `[mqtt_source.tls]` keys of an `mqtts://` one (`ca_file`, `cert_file`, `key_file` and their paths).
    case agent(broker: String, tls: [(key: String, path: String)] = [])
  }

  public var target: Target
  public var defaultRoom = "unassigned"
  /// The ESPs' local time zone (`+07:00`): Tasmota sources are then timed by their payload's `Time`.
  public var tasmotaTimeZone: String?

  public init(target: Target) { self.target = target }

  /// The sources for `sensors`; `lastSeen` are the state topics whose devices carry `last_seen`.
  public func sources(_ sensors: [DiscoveredSensor], lastSeen: Set<String>) -> [ProposedSource] {
    var names = UniqueNames()
    var byTopic: [String: [DiscoveredSensor]] = [:]
    for sensor in sensors { byTopic[sensor.stateTopic, default: []].append(sensor) }
    // Per device, how many state topics carry each metric: with more than one, the probes are named by object id.
    var perDevice: [String: [SourceMetric: Int]] = [:]
    for group in byTopic.values {
      for sensor in group { perDevice[deviceKey(sensor), default: [:]][sensor.metric, default: 0] += 1 }
    }
    return byTopic.keys.sorted().map { topic in
      let group = byTopic[topic]!
      let first = group[0]
      let (room, base) = naming(first.device, fallback: first.objectID)
      let shared = (perDevice[deviceKey(first)] ?? [:]).values.allSatisfy { $0 <= 1 }
      var source = ProposedSource(
        target: target, about: about(group), topic: topic, room: room,
        availability: first.availabilityTopic, unit: group.contains { $0.unit == .fahrenheit } ? .fahrenheit : nil)
      let sensorBase = shared ? base : Slug.make(first.objectID)
      switch classify(group) {
      case .tasmota(let keys):
        // Named by the device's topic (`tele/<topic>/SENSOR`): its friendly name is often just "Tasmota".
        let levels = topic.split(separator: "/")
        let device = levels.count >= 3 ? Slug.make(String(levels[levels.count - 2])) : base
        source.preset = .tasmota
        source.sensor = names.sensor(device, device: deviceKey(first)) + "-{id}"
        source.notes.append(
          "Tasmota sensors \(keys.joined(separator: ", ")): each probe is named by its id ({id}: a DS18B20's ROM "
            + "code, another sensor's key), so adding a probe renames none; [[…map]] rows (id = the ROM code) "
            + "give names of your own")
        if let zone = tasmotaTimeZone {
          source.time = .payload
          source.timeZone = zone
        } else {
          source.notes.append("timed at receipt: with NTP on the ESP, time = \"payload\" and time_zone are better")
        }
      case .zigbee2mqtt:
        source.preset = .zigbee2mqtt
        source.sensor = names.sensor(sensorBase, device: deviceKey(first))
        source.time = lastSeen.contains(topic) ? .payload : .receipt
        source.offlineAfterMinutes = 90
        if !lastSeen.contains(topic) {
          source.notes.append("timed at receipt: set Zigbee2MQTT's advanced.last_seen to ISO_8601 for payload time")
        }
      case .json(let temperature, let humidity):
        source.preset = .json
        source.sensor = names.sensor(sensorBase, device: deviceKey(first))
        source.temperatureField = temperature?.joined(separator: ".")
        source.humidityField = humidity?.joined(separator: ".")
      case .plain(let metric):
        let software = first.device.software?.lowercased() ?? ""
        let esphome = software.hasPrefix("esphome") || first.origin?.lowercased() == "esphome"
        source.preset = esphome ? .esphome : .plain
        source.sensor = names.sensor(sensorBase, device: deviceKey(first))
        source.metric = metric
        if source.preset == .esphome {
          source.notes.append("ESPHome retains its states: the retained one at each start is stale_retained")
        }
      case .unusable(let reason):
        source.notes.append(reason)
        source.disabled = true
      }
      source.id = names.source(source.sensor?.replacingCapture ?? base, metric: source.metric)
      return source
    }
  }

  private enum Shape {
    case tasmota([String])
    case zigbee2mqtt
    case json([String]?, [String]?)
    case plain(SourceMetric)
    case unusable(String)
  }

  /// What reads a state topic's sensors (`group`, in config-topic order); one value per metric but for Tasmota.
  private func classify(_ group: [DiscoveredSensor]) -> Shape {
    let fields = group.compactMap { sensor -> [String]? in
      if case .field(let path) = sensor.value { return path } else { return nil }
    }
    if group[0].stateTopic.hasSuffix("/SENSOR"), fields.count == group.count, fields.allSatisfy({ $0.count == 2 }) {
      let probes = fields.filter { ["Temperature", "Humidity"].contains($0[1]) }.map { $0[0] }
      return probes.isEmpty
        ? .unusable("no Temperature or Humidity among its fields") : .tasmota(Array(Set(probes)).sorted())
    }
    var paths: [SourceMetric: [String]] = [:]
    for sensor in group {
      guard case .field(let path) = sensor.value else {
        return group.count == 1
          ? .plain(sensor.metric) : .unusable("one topic carries several values, one of them a plain number")
      }
      if paths[sensor.metric] == nil { paths[sensor.metric] = path }
    }
    let device = group[0].device
    let zigbee =
      group[0].origin?.lowercased() == "zigbee2mqtt" || device.identifiers.contains { $0.hasPrefix("zigbee2mqtt") }
    if zigbee, paths[.temperature] ?? ["temperature"] == ["temperature"],
      paths[.humidity] ?? ["humidity"] == ["humidity"]
    {
      return .zigbee2mqtt
    }
    return .json(paths[.temperature], paths[.humidity])
  }

  private func deviceKey(_ sensor: DiscoveredSensor) -> String {
    sensor.device.identifiers.first ?? sensor.device.name ?? sensor.stateTopic
  }

  /// The room and the probe's base name a device's config suggests.
  private func naming(_ device: DiscoveredSensor.Device, fallback: String) -> (room: String, base: String) {
    let name = device.name ?? fallback
    let parts = name.split(separator: "/").map(String.init)
    if let area = device.suggestedArea, !Slug.make(area).isEmpty {
      return (Slug.make(area), Slug.make(parts.last ?? name))
    }
    if parts.count >= 2 { return (Slug.make(parts[0]), Slug.make(parts[parts.count - 1])) }
    return (defaultRoom, Slug.make(name))
  }

  private func about(_ group: [DiscoveredSensor]) -> String {
    let device = group[0].device
    let what = [device.manufacturer, device.model].compactMap { $0 }.joined(separator: " ")
    let name = device.name.map { JSONText.quoted($0) } ?? group[0].stateTopic
    let by = group[0].origin ?? device.software
    return [what.isEmpty ? nil : what, name, by.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ") + ": "
      + Set(group.map(\.metric.rawValue)).sorted().joined(separator: ", ") + "; from "
      + group.map(\.configTopic).joined(separator: ", ")
  }
}

/// Names made unique within one proposal: a probe's sensor id per device, a source's id.
struct UniqueNames {
  private var sensors: [String: String] = [:]
  private var sources: Set<String> = []

  mutating func sensor(_ base: String, device: String) -> String {
    var name = base.isEmpty ? "probe" : base
    var number = 1
    while let owner = sensors[name], owner != device {
      number += 1
      name = "\(base)-\(number)"
    }
    sensors[name] = device
    return name
  }

  mutating func source(_ base: String, metric: SourceMetric?) -> String {
    let stem = String((metric.map { "\(base)-\($0.rawValue)" } ?? base).prefix(Identifier.maxLength - 4))
    var name = stem
    var number = 1
    while sources.contains(name) {
      number += 1
      name = "\(stem)-\(number)"
    }
    sources.insert(name)
    return name
  }
}

extension String {
  /// `cold3-esp-{id}` → `cold3-esp`: a sensor template without its capture, for a source id.
  fileprivate var replacingCapture: String {
    guard let open = firstIndex(of: "{") else { return self }
    var stem = String(self[..<open])
    while stem.hasSuffix("-") { stem.removeLast() }
    return stem
  }
}
