/// The collector's acknowledgement watermark for one sensor: the highest `seq` such that every number up to it is
/// stored (or was given up by the agent, below its `floor`). `coldtrace/v1/ack/<site>/<agent>` carries it; the
/// agent deletes from its outbox only what the watermark covers.
///
/// Pure and small: numbers above the watermark wait in `pending` until the gap below them fills.
public struct WatermarkTracker: Sendable, Equatable {
  public private(set) var watermark: Int64
  /// Stored numbers above the watermark, waiting for a gap to fill.
  public private(set) var pending: Set<Int64>

  public init(watermark: Int64 = 0, pending: Set<Int64> = []) {
    self.watermark = watermark
    self.pending = pending
    advance()
  }

  /// Records freshly stored numbers and the agent's floor; returns whether the watermark moved.
  @discardableResult
  public mutating func record(stored numbers: [Int64], floor: Int64? = nil) -> Bool {
    let before = watermark
    for number in numbers where number > watermark {
      // The usual case, numbers arriving in order with nothing pending, touches no set.
      if number == watermark + 1 && pending.isEmpty {
        watermark = number
      } else {
        pending.insert(number)
      }
    }
    if let floor, floor - 1 > watermark {
      watermark = floor - 1
      pending = pending.filter { $0 > watermark }
    }
    advance()
    return watermark != before
  }

  /// The first missing number and the highest stored one when there is a gap (`nil` when none).
  public var gap: (firstMissing: Int64, highestStored: Int64)? {
    guard let highest = pending.max() else { return nil }
    return (watermark + 1, highest)
  }

  private mutating func advance() {
    while pending.remove(watermark + 1) != nil { watermark += 1 }
  }
}
