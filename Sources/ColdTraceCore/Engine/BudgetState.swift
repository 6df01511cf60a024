/// The cumulative time one lot spent outside one metric's band, over its whole life and across room moves.
///
/// Time outside is the union of the spans the lot's probes reported outside: two probes outside at once count once.
/// Spans are merged as they arrive; spans that ended more than `settledAfterMs` before the newest one are dropped
/// from the merge list (their time stays counted), so the state stays small. A late reading that overlaps a dropped
/// span is counted in full: the error is on the side of the product. `usedMs` therefore never decreases.
public struct BudgetState: Sendable, Codable, Equatable {
  /// Total event time outside the band, in milliseconds.
  public var usedMs: Int64
  /// Event time of the reading that used the budget up, once it has.
  public var exhaustedAt: Timestamp?
  /// Recent outside spans, merged and sorted, still open to overlap with late readings.
  public var recent: [TimeSpan]

  /// How long after its end a span stops taking part in the merge: 24 h.
  public static let settledAfterMs: Int64 = 24 * 3_600_000

  public init(usedMs: Int64 = 0, exhaustedAt: Timestamp? = nil, recent: [TimeSpan] = []) {
    self.usedMs = usedMs
    self.exhaustedAt = exhaustedAt
    self.recent = recent
  }

  /// Minutes used, for messages and reports.
  public var usedMinutes: Double { Double(usedMs) / 60_000 }

  /// Adds `span` to the time outside; returns the milliseconds it added (0 when other probes already covered it).
  @discardableResult
  public mutating func add(_ span: TimeSpan) -> Int64 {
    guard span.end > span.start else { return 0 }
    var covered: Int64 = 0
    var merged = span
    var kept: [TimeSpan] = []
    for existing in recent {
      if existing.end < merged.start || existing.start > merged.end {
        kept.append(existing)
        continue
      }
      covered += max(0, min(existing.end, span.end) - max(existing.start, span.start))
      merged = TimeSpan(start: min(merged.start, existing.start), end: max(merged.end, existing.end))
    }
    kept.append(merged)
    kept.sort { $0.start < $1.start }
    let newest = kept.map(\.end).max() ?? merged.end
    recent = kept.filter { newest - $0.end <= Self.settledAfterMs }
    let added = span.milliseconds - covered
    usedMs += max(added, 0)
    return max(added, 0)
  }

  private enum CodingKeys: String, CodingKey {
    case usedMs, exhaustedAt, recent
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    usedMs = try container.decodeIfPresent(Int64.self, forKey: .usedMs) ?? 0
    exhaustedAt = try container.decodeIfPresent(Timestamp.self, forKey: .exhaustedAt)
    recent = try container.decodeIfPresent([TimeSpan].self, forKey: .recent) ?? []
  }
}
