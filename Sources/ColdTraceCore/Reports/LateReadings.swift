/// The readings of one probe that arrived after a newer reading of the same probe had been judged: the live rules
/// (band, trend, lot budgets and the treatment clock) judge a probe's readings in event-time order and pass over such
/// a reading, so the report says how many there were and when (docs/alert-rules.md, "Late readings").
public struct LateReadings: Sendable, Equatable {
  public var count: Int
  /// Event time of the earliest and the latest of them.
  public var first: Timestamp
  public var last: Timestamp

  public init(count: Int, first: Timestamp, last: Timestamp) {
    self.count = count
    self.first = first
    self.last = last
  }
}
