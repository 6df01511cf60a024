import Synchronization

/// A Prometheus histogram with fixed bucket bounds, observed from any thread (the writer thread, the MQTT network
/// thread) and written at scrape time. An observation is a few additions under a lock: nothing that slows a commit.
public final class Histogram: Sendable {
  private struct State {
    /// Per bucket, the observations at or below its bound and above the previous one (made cumulative when written).
    var counts: [UInt64]
    var sum = 0.0
    var count: UInt64 = 0
  }

  public let name: String
  public let help: String
  public let bounds: [Double]
  private let state: Mutex<State>

  public init(name: String, help: String, bounds: [Double]) {
    self.name = name
    self.help = help
    self.bounds = bounds.sorted()
    state = Mutex(State(counts: Array(repeating: 0, count: bounds.count)))
  }

  public func observe(_ value: Double) {
    let index = bounds.firstIndex { value <= $0 }
    state.withLock { state in
      if let index { state.counts[index] += 1 }
      state.sum += value
      state.count += 1
    }
  }

  /// The observations so far.
  public var count: UInt64 { state.withLock { $0.count } }

  /// The family: cumulative `_bucket` samples by `le`, `+Inf`, `_sum` and `_count`.
  public func write(into text: inout MetricsText) {
    let snapshot = state.withLock { $0 }
    text.family(name, .histogram, help)
    var cumulative: UInt64 = 0
    for (bound, count) in zip(bounds, snapshot.counts) {
      cumulative += count
      // Prometheus matches `le` as text across scrapes: one spelling per bound (`0.005`, `1`, `2.5`).
      text.sample(name + "_bucket", ["le": MetricsText.formatted(bound)], Double(cumulative))
    }
    text.sample(name + "_bucket", ["le": "+Inf"], Double(snapshot.count))
    text.sample(name + "_sum", snapshot.sum)
    text.sample(name + "_count", Double(snapshot.count))
  }
}
