/// The collector's acknowledgement to one agent on `coldtrace/v1/ack/<site>/<agent>` (docs/protocol.md,
/// "Acknowledgements"): per sensor, the highest sequence number committed with none missing below it,
/// `{"sensors":{"<sensor>":<watermark>,...}}`, sensors sorted by name, and `"inc":"<incarnation>"` when the
/// watermarks count the samples of one agent install (`Incarnation`): an agent ignores the watermarks of another.
public struct AcknowledgementMessage: Sendable, Equatable {
  /// Watermark per sensor id.
  public var watermarks: [String: Int64]
  /// The incarnation whose samples the watermarks count; `nil` for numbers sent without one.
  public var incarnation: String?

  public init(watermarks: [String: Int64], incarnation: String? = nil) {
    self.watermarks = watermarks
    self.incarnation = incarnation
  }

  /// The payload.
  public func encode() -> String {
    JSONObjectWriter.object(capacity: 32 + watermarks.count * 24) { json in
      json.object("sensors") { sensors in
        for (sensor, watermark) in watermarks.sorted(by: { $0.key < $1.key }) {
          sensors.integer(sensor, watermark)
        }
      }
      if let incarnation { json.string("inc", incarnation) }
    }
  }

  /// Reads a payload; `nil` unless it is a JSON object whose `sensors` member is an object. Members of `sensors` that
  /// are not a number in 0..<9e15 are skipped (an agent ignores what it cannot use; fractions are truncated); an
  /// `inc` that is not a string is read as an incarnation no agent has (`""`), so no agent applies the watermarks.
  public static func decode(_ payload: UnsafeRawBufferPointer) -> AcknowledgementMessage? {
    guard case .object(let document)? = try? JSONParser.parse(payload),
      case .object(let sensors)? = document["sensors"]
    else { return nil }
    var watermarks: [String: Int64] = [:]
    for member in sensors.members {
      guard case .number(let value) = member.value, value >= 0, value < 9e15 else { continue }
      watermarks[member.key] = max(watermarks[member.key] ?? 0, Int64(value))
    }
    var incarnation: String? = nil
    switch document["inc"] {
    case nil, .null?: break
    case .string(let named)?: incarnation = named
    default: incarnation = ""
    }
    return AcknowledgementMessage(watermarks: watermarks, incarnation: incarnation)
  }

  /// `decode` of a payload held in an array.
  public static func decode(_ payload: [UInt8]) -> AcknowledgementMessage? {
    payload.withUnsafeBytes { decode($0) }
  }
}
