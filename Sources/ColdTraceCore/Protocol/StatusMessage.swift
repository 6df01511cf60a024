/// A retained status message on `coldtrace/v1/status/<site>/<agent>` (an agent's) or
/// `coldtrace/v1/status/collector/<id>` (a collector's) (docs/protocol.md, "Status"):
/// `{"state":"online","agent":"hx-edge-1","version":"0.1.0","ts":"…","outbox":{"pending":0,"dropped":0}}`, or
/// `{"state":"offline","collector":"main","version":"0.1.0","ts":"…"}`.
///
/// `offline` is also the agent's will. An agent with a durable outbox adds `outbox` to its status; the collector takes
/// that as the sign that its readings may be acknowledged to the broker before they are committed. An agent announces
/// where each of its probes is mounted in `placements` (`{"<sensor>":"product",...}`), and the install its samples
/// are numbered by in `incarnation` (an invalid one is ignored), and every probe and input it reads, with its room,
/// in `probes` (`{"<sensor>":"<room>",...}`): the collector's probe registry takes them as known.
public struct StatusMessage: Sendable, Equatable {
  /// Who sends the status: an agent or a collector, by id.
  public enum Sender: Sendable, Equatable {
    case agent(String)
    case collector(String)
  }

  /// An agent's outbox: readings not yet acknowledged, and readings dropped for space.
  public struct Outbox: Sendable, Equatable {
    public var pending: Int
    public var dropped: Int

    public init(pending: Int, dropped: Int) {
      self.pending = pending
      self.dropped = dropped
    }
  }

  public static let online = "online"
  public static let offline = "offline"

  /// `online` or `offline` (anything but `online` reads as offline).
  public var state: String
  public var sender: Sender
  public var version: String?
  public var ts: Timestamp?
  public var outbox: Outbox?
  /// Per sensor id, where the probe is mounted (`nil`: not announced).
  public var placements: [String: Placement]?
  /// The agent install (`Incarnation`) the agent's samples are numbered by; `nil` when not announced.
  public var incarnation: String?
  /// Every probe and input of the agent, by sensor id, with the room it hangs in: the collector registers them
  /// (`nil`: not announced; entries whose id or room is not a valid id are dropped when read).
  public var probes: [String: String]?
  /// What the agent's `mqtt` driver knows of its probes beyond their samples, by sensor id (`nil`: not announced).
  public var mqttProbes: [String: SiteProbeReport]?

  public init(
    state: String, sender: Sender, version: String?, ts: Timestamp?, outbox: Outbox? = nil,
    placements: [String: Placement]? = nil, incarnation: String? = nil, probes: [String: String]? = nil
  ) {
    self.incarnation = incarnation
    self.probes = probes
    self.state = state
    self.sender = sender
    self.version = version
    self.ts = ts
    self.outbox = outbox
    self.placements = placements
  }

  public var isOnline: Bool { state == Self.online }

  /// The payload (an absent `version` or `ts` is left out).
  public func encode() -> String {
    JSONObjectWriter.object(capacity: 160) { json in
      json.string("state", state)
      switch sender {
      case .agent(let id): json.string("agent", id)
      case .collector(let id): json.string("collector", id)
      }
      if let version { json.string("version", version) }
      if let ts { json.string("ts", ts.rfc3339) }
      if let outbox {
        json.object("outbox") { json in
          json.integer("pending", outbox.pending)
          json.integer("dropped", outbox.dropped)
        }
      }
      if let incarnation { json.string("incarnation", incarnation) }
      if let placements {
        json.object("placements") { json in
          for sensor in placements.keys.sorted() { json.string(sensor, placements[sensor]?.rawValue) }
        }
      }
      if let probes {
        json.object("probes") { json in
          for sensor in probes.keys.sorted() { json.string(sensor, probes[sensor]) }
        }
      }
      writeMQTTProbes(&json)
    }
  }

  /// Reads a payload; `nil` unless it is a JSON object with a string `state` and a string `agent` or `collector`.
  ///
  /// Lenient beyond that, as the collector has always been: `version` and `ts` are read when they are a string and an
  /// RFC 3339 time, any `outbox` object announces an outbox (counts that are not numbers read as 0), and a
  /// `placements` object keeps the entries whose value is a known placement.
  public static func decode(_ payload: UnsafeRawBufferPointer) -> StatusMessage? {
    guard case .object(let object)? = try? JSONParser.parse(payload) else { return nil }
    return decode(object)
  }

  /// `decode` of a payload held in an array.
  public static func decode(_ payload: [UInt8]) -> StatusMessage? { payload.withUnsafeBytes { decode($0) } }

  private static func decode(_ object: JSONObject) -> StatusMessage? {
    guard case .string(let state)? = object["state"] else { return nil }
    let sender: Sender
    if case .string(let agent)? = object["agent"] {
      sender = .agent(agent)
    } else if case .string(let collector)? = object["collector"] {
      sender = .collector(collector)
    } else {
      return nil
    }
    var message = StatusMessage(state: state, sender: sender, version: nil, ts: nil)
    if case .string(let version)? = object["version"] { message.version = version }
    if case .string(let ts)? = object["ts"] { message.ts = Timestamp.parseRFC3339(ts) }
    if case .object(let outbox)? = object["outbox"] {
      message.outbox = Outbox(pending: count(outbox["pending"]), dropped: count(outbox["dropped"]))
    }
    if case .string(let incarnation)? = object["incarnation"], Incarnation.isValid(incarnation) {
      message.incarnation = incarnation
    }
    if case .object(let placements)? = object["placements"] {
      var known: [String: Placement] = [:]
      for member in placements.members {
        if case .string(let text) = member.value, let placement = Placement(rawValue: text) {
          known[member.key] = placement
        }
      }
      message.placements = known
    }
    if case .object(let probes)? = object["probes"] {
      var rooms: [String: String] = [:]
      for member in probes.members {
        if case .string(let room) = member.value, Identifier.isValid(member.key, as: .sensor),
          Identifier.isValid(room, as: .room)
        {
          rooms[member.key] = room
        }
      }
      message.probes = rooms
    }
    message.mqttProbes = readMQTTProbes(object)
    return message
  }

  private static func count(_ value: JSONValue?) -> Int {
    guard case .number(let number)? = value, number >= 0, number < 9e15 else { return 0 }
    return Int(number)
  }
}
