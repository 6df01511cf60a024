/// Where a source's readings get their time (the `[[source]]` key `time`, required: there is no safe default).
///
/// - `payload`: the time the device wrote in its message, at `field` (a dotted path), as an RFC 3339 string or a number
///   of `unit`s since 1970. A string without an offset (Tasmota's `Time` is the ESP's local time) is read at `zone`
///   (e.g. `+07:00`); without a `zone` it is refused (`bad_time`). Times before 2020 (a device that has not synced its
///   clock yet, like a Shelly just woken from deep sleep) are refused too.
/// - `receipt`: the collector's clock when the message arrives. Right only for a live subscription to a publisher
///   that neither retains (a retained message is refused, `stale_retained`) nor is queued (a broker or a bridge
///   that holds messages through an outage delivers hours of them in one burst, all stamped now).
public enum TimePolicy: Sendable, Equatable {
  case payload(PayloadTime)
  case receipt

  public var isReceipt: Bool { self == .receipt }
}

/// The payload time's place and reading; see `TimePolicy`.
public struct PayloadTime: Sendable, Equatable {
  public enum Unit: String, Sendable, CaseIterable {
    case seconds = "s"
    case milliseconds = "ms"
  }

  /// The dotted path of the field (`last_seen`, `params.ts`); `nil` for collectd, whose time precedes the value.
  public var field: String?
  public var unit: Unit
  /// The offset (`+07:00`) of a local time without one; `nil`: such a time is refused.
  public var zone: String?

  public init(field: String?, unit: Unit, zone: String? = nil) {
    self.field = field
    self.unit = unit
    self.zone = zone
  }

  /// 2020-01-01T00:00:00Z: anything earlier is a clock that was never set.
  static let earliest = Timestamp(seconds: 1_577_836_800)

  /// The time `value` states, checked against the collector's clock `now`.
  func read(_ value: JSONValue?, now: Timestamp) throws(PayloadRejection) -> Timestamp {
    let name = field ?? "time"
    let time: Timestamp
    switch value {
    case .string(let text)?:
      if let parsed = Timestamp.parseRFC3339(text) {
        time = parsed
      } else if let zone, let parsed = Timestamp.parseRFC3339(text + zone) {
        time = parsed
      } else {
        let hint = zone == nil ? "; a local time needs the source's `time_zone`" : ""
        throw PayloadRejection(.badTime, "\(name) \(Excerpt.quoted(text)) is not an RFC 3339 time\(hint)")
      }
    case .number(let number)?:
      let milliseconds = unit == .seconds ? number * 1000 : number
      guard milliseconds.isFinite, abs(milliseconds) < 1e15 else {
        throw PayloadRejection(.badTime, "\(name) \(JSONText.number(number)) is not a time in \(unit.rawValue)")
      }
      time = Timestamp(milliseconds: Int64(milliseconds.rounded(.down)))
    case nil, .null?:
      throw PayloadRejection(.badTime, "the payload has no \(name); the source's time policy is payload time")
    case let other?:
      throw PayloadRejection(.badTime, "\(name) must be a time, got \(other.typeName)")
    }
    guard time >= Self.earliest else {
      throw PayloadRejection(.badTime, "\(name) \(time.rfc3339) is before 2020: the device's clock is not set")
    }
    guard time.milliseconds <= FutureLimit(now: now).latest else {
      throw PayloadRejection(
        .futureTimestamp, "\(name) \(time.rfc3339) is more than 5 minutes ahead of the collector's clock")
    }
    return time
  }
}
