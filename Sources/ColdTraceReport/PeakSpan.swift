/// A half-open stretch of time [start, end) in milliseconds, with the most extreme value read during it.
struct PeakSpan: Equatable {
  var start: Int64
  var end: Int64
  var peak: Double

  var milliseconds: Int64 { end - start }

  /// The union of `spans`: overlapping or touching spans become one, keeping the more extreme peak (`higher` picks
  /// the maximum, else the minimum). The result is sorted and disjoint.
  static func union(_ spans: [PeakSpan], higher: Bool) -> [PeakSpan] {
    let sorted = spans.sorted { $0.start < $1.start }
    var merged: [PeakSpan] = []
    for span in sorted {
      if let last = merged.last, span.start <= last.end {
        merged[merged.count - 1].end = max(last.end, span.end)
        merged[merged.count - 1].peak = higher ? max(last.peak, span.peak) : min(last.peak, span.peak)
      } else {
        merged.append(span)
      }
    }
    return merged
  }

  /// Total milliseconds of a disjoint list.
  static func total(_ spans: [PeakSpan]) -> Int64 { spans.reduce(0) { $0 + $1.milliseconds } }
}
