/// The collector's acknowledgement to one agent on `coldtrace/v1/ack/<site>/<agent>` (docs/protocol.md,
/// "Acknowledgements"): per sensor, the highest sequence number committed with none missing below it,
/// `{"sensors":{"<sensor>":<watermark>,...}}`, sensors sorted by name.
public struct AcknowledgementMessage: Sendable, Equatable {
  /// Watermark per sensor id.
  public var watermarks: [String: Int64]

  public init(watermarks: [String: Int64]) { self.watermarks = watermarks }

  /// The payload.
  public func encode() -> String {
    JSONObjectWriter.object(capacity: 32 + watermarks.count * 24) { json in
      json.object("sensors") { sensors in
        for (sensor, watermark) in watermarks.sorted(by: { $0.key < $1.key }) {
          sensors.integer(sensor, watermark)
        }
      }
    }
  }

  /// Reads a payload; `nil` unless it is a JSON object whose `sensors` member is an object. Members of `sensors` that
  /// are not a number in 0..<9e15 are skipped (an agent ignores what it cannot use; fractions are truncated).
  public static func decode(_ payload: UnsafeRawBufferPointer) -> AcknowledgementMessage? {
    guard case .object(let document)? = try? JSONParser.parse(payload),
      case .object(let sensors)? = document["sensors"]
    else { return nil }
    var watermarks: [String: Int64] = [:]
    for member in sensors.members {
      guard case .number(let value) = member.value, value >= 0, value < 9e15 else { continue }
      watermarks[member.key] = max(watermarks[member.key] ?? 0, Int64(value))
    }
    return AcknowledgementMessage(watermarks: watermarks)
  }

  /// `decode` of a payload held in an array.
  public static func decode(_ payload: [UInt8]) -> AcknowledgementMessage? {
    payload.withUnsafeBytes { decode($0) }
  }
}
