/// How a source (or one of its rows) names a probe and treats its values: `room` and `sensor` templates over the
/// topic's captures and the probe's `{id}`, an offset in °C and a placement. A row's settings win over its source's.
public struct ProbeNaming: Sendable, Equatable {
  public var room: IdTemplate?
  public var sensor: IdTemplate?
  public var offsetC: Double?
  public var placement: Placement?

  public init(room: IdTemplate? = nil, sensor: IdTemplate? = nil, offsetC: Double? = nil, placement: Placement? = nil) {
    self.room = room
    self.sensor = sensor
    self.offsetC = offsetC
    self.placement = placement
  }

  /// These settings, and `base`'s where these have none.
  func over(_ base: ProbeNaming) -> ProbeNaming {
    ProbeNaming(
      room: room ?? base.room, sensor: sensor ?? base.sensor, offsetC: offsetC ?? base.offsetC,
      placement: placement ?? base.placement)
  }

  /// The probe's key: `room` defaults to the `{room}` capture, `sensor` to `{sensor}`.
  func key(site: String, values: [String: String]) throws(PayloadRejection) -> SensorKey {
    let room = try (room ?? IdTemplate.roomCapture).expand(values)
    let sensor = try (sensor ?? IdTemplate.sensorCapture).expand(values)
    do throws(InvalidIdentifier) {
      try Identifier.validate(room, as: .room)
      try Identifier.validate(sensor, as: .sensor)
    } catch {
      throw PayloadRejection(error)
    }
    return SensorKey(site: site, room: room, sensor: sensor)
  }
}

/// A room or sensor id written with captures: `cold3-{id}`, `{room}`, or a fixed `cold2`.
public struct IdTemplate: Sendable, Equatable, CustomStringConvertible {
  public let description: String
  /// The capture names it uses.
  public let names: [String]
  /// The capture name when the template is that one capture alone (`{room}`): expanded without a text search.
  private let wholeCapture: String?
  /// The defaults of `ProbeNaming.key`, parsed once.
  static let roomCapture = IdTemplate.capture("room")
  static let sensorCapture = IdTemplate.capture("sensor")

  public init(_ text: String) throws(TopicPatternError) {
    var names: [String] = []
    var rest = text[...]
    while let open = rest.firstIndex(of: "{") {
      guard let close = rest[open...].firstIndex(of: "}") else { throw TopicPatternError("has a { without }") }
      names.append(String(rest[rest.index(after: open)..<close]))
      rest = rest[rest.index(after: close)...]
    }
    guard !text.isEmpty else { throw TopicPatternError("is empty") }
    description = text
    self.names = names
    wholeCapture = names.count == 1 && text.utf8.count == names[0].utf8.count + 2 ? names[0] : nil
  }

  public static func capture(_ name: String) -> IdTemplate {
    // A capture name is always a valid template.
    (try? IdTemplate("{\(name)}")) ?? IdTemplate(fixed: name)
  }

  private init(fixed: String) {
    description = fixed
    names = []
    wholeCapture = nil
  }

  func expand(_ values: [String: String]) throws(PayloadRejection) -> String {
    if let wholeCapture {
      guard let value = values[wholeCapture] else { throw Self.missing(wholeCapture, in: description) }
      return value
    }
    var text = description
    for name in names {
      guard let value = values[name] else { throw Self.missing(name, in: description) }
      text = text.replacing("{\(name)}", with: value)
    }
    return text
  }

  private static func missing(_ name: String, in template: String) -> PayloadRejection {
    PayloadRejection(.unmappedProbe, "the message gives no {\(name)} for the id \(template)")
  }
}

/// One `[[source.map]]` row: the messages it applies to (a topic pattern, and for a message with several probes
/// the probe's stable `id`, e.g. a DS18B20's ROM id), and how it names and treats that probe.
public struct SourceMapRow: Sendable, Equatable {
  public var match: TopicPattern?
  public var id: String?
  public var naming: ProbeNaming
  public var unit: TemperatureUnit?

  public init(match: TopicPattern?, id: String?, naming: ProbeNaming, unit: TemperatureUnit? = nil) {
    self.match = match
    self.id = id
    self.naming = naming
    self.unit = unit
  }

  func applies(topic: String, id probeID: String?) -> Bool {
    if let match, match.match(topic) == nil { return false }
    if let id, id != probeID { return false }
    return true
  }
}
