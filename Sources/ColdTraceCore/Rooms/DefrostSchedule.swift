/// A room's defrosts at fixed local times of day, as its controller's real-time clock runs them (the collector
/// config's `[[defrost_schedule]]`), for rooms whose controller's defrost output is not wired to an agent.
public struct DefrostSchedule: Sendable, Equatable, Codable {
  /// Start times, minutes after local midnight, ascending.
  public var startMinutes: [Int]
  /// Length of each defrost.
  public var minutes: Double
  /// The controller's clock offset from UTC, seconds (e.g. 25,200 for `+07:00`).
  public var utcOffsetSeconds: Int

  public init(startMinutes: [Int], minutes: Double, utcOffsetSeconds: Int) {
    self.startMinutes = startMinutes.sorted()
    self.minutes = minutes
    self.utcOffsetSeconds = utcOffsetSeconds
  }

  private static let dayMs: Int64 = 86_400_000

  /// The scheduled defrosts that overlap `from`…`to`, oldest first, as (start, end) in event time; a defrost that
  /// runs across local midnight is one span.
  public func spans(from: Timestamp, to: Timestamp) -> [(start: Timestamp, end: Timestamp)] {
    guard !startMinutes.isEmpty, to >= from else { return [] }
    let offsetMs = Int64(utcOffsetSeconds) * 1000
    let lengthMs = RoomConditionSettings.ms(minutes)
    // Local days from the one before `from` (a defrost started then may still run) to the one of `to`.
    var day = floorDiv(from.milliseconds + offsetMs - lengthMs, Self.dayMs)
    let lastDay = floorDiv(to.milliseconds + offsetMs, Self.dayMs)
    var spans: [(start: Timestamp, end: Timestamp)] = []
    while day <= lastDay {
      for minute in startMinutes {
        let start = day * Self.dayMs + Int64(minute) * 60_000 - offsetMs
        let end = start + lengthMs
        if end > from.milliseconds && start <= to.milliseconds {
          spans.append((Timestamp(milliseconds: start), Timestamp(milliseconds: end)))
        }
      }
      day += 1
    }
    return spans
  }

  /// The scheduled defrost running at `ts`, if any.
  public func span(at ts: Timestamp) -> (start: Timestamp, end: Timestamp)? {
    spans(from: ts, to: ts).first { $0.start <= ts && ts.milliseconds < $0.end.milliseconds }
  }

  private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
  }
}
