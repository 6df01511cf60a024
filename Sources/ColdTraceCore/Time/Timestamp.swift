/// A point in event time: milliseconds since the Unix epoch, UTC.
///
/// The domain core never reads a clock; every time it uses arrives as a `Timestamp`, either from a reading's `ts` or
/// from the caller (the collector's clock, a test's virtual clock).
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  public var milliseconds: Int64

  public init(milliseconds: Int64) { self.milliseconds = milliseconds }
  public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

  public func adding(seconds: Double) -> Timestamp {
    Timestamp(milliseconds: milliseconds + Int64((seconds * 1000).rounded()))
  }

  /// Seconds from `earlier` to `self` (negative if `earlier` is later).
  public func seconds(since earlier: Timestamp) -> Double { Double(milliseconds - earlier.milliseconds) / 1000 }

  public var description: String { rfc3339 }
}
