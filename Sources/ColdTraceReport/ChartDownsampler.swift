/// Reduces one probe's readings to what the chart can show without hiding anything: per pixel column, the lowest and
/// the highest reading, in the order they were read, so a single reading's spike always reaches its peak however
/// many readings share its column (nothing is averaged). The points come in runs: a run ends where the probe was
/// silent for longer than `gapMilliseconds` (the report's data-gap rule: twice the probe's usual interval), so the
/// line breaks exactly where the report lists a data gap and nowhere else.
struct ChartDownsampler {
  /// One point of a line: a reading's time (milliseconds since the epoch) and value.
  struct Point: Equatable {
    let time: Int64
    let value: Double
  }

  let fromMilliseconds: Int64
  let toMilliseconds: Int64
  let columns: Int
  let gapMilliseconds: Int64

  /// The runs of points for `values` read at `times` (ascending); `.nan` values are skipped (not a gap by
  /// themselves: the silence between the readings around them decides).
  func runs(times: [Int64], values: [Double]) -> [[Point]] {
    let span = Double(max(1, toMilliseconds - fromMilliseconds))
    var runs: [[Point]] = []
    var run: [Point] = []
    var bucket = ColumnBucket()
    var previous: Int64?
    for index in times.indices where !values[index].isNaN {
      let time = times[index]
      let value = values[index]
      let column = min(columns - 1, max(0, Int(Double(time - fromMilliseconds) / span * Double(columns))))
      if let previous, time - previous > gapMilliseconds {
        bucket.flush(into: &run, endingRun: true)
        if !run.isEmpty { runs.append(run) }
        run = []
      } else if column != bucket.column {
        bucket.flush(into: &run, endingRun: false)
      }
      bucket.add(Point(time: time, value: value), column: column)
      previous = time
    }
    bucket.flush(into: &run, endingRun: true)
    if !run.isEmpty { runs.append(run) }
    return runs
  }
}

/// The readings of one pixel column so far: its lowest and its highest, and its first and last for a column where a
/// line starts or ends.
private struct ColumnBucket {
  var column = -1
  var first: ChartDownsampler.Point?
  var last: ChartDownsampler.Point?
  var lowest: ChartDownsampler.Point?
  var highest: ChartDownsampler.Point?

  mutating func add(_ point: ChartDownsampler.Point, column: Int) {
    self.column = column
    if first == nil { first = point }
    last = point
    if lowest.map({ point.value < $0.value }) ?? true { lowest = point }
    if highest.map({ point.value > $0.value }) ?? true { highest = point }
  }

  /// Appends the column's lowest and highest readings in time order (one point when they are the same reading), and
  /// its first where the line starts here and its last where it ends here (so a line stops at the last reading before
  /// a gap, not at the column's extreme), and empties it.
  mutating func flush(into run: inout [ChartDownsampler.Point], endingRun: Bool) {
    let edges = [run.isEmpty ? first : nil, endingRun ? last : nil]
    let kept = ([lowest, highest] + edges).compactMap { $0 }.sorted { $0.time < $1.time }
    for point in kept where run.last != point { run.append(point) }
    self = ColumnBucket()
  }
}
