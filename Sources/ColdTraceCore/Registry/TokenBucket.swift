/// A token bucket in milliseconds of the collector's clock: `rate` tokens a second flow in up to `capacity`, and each
/// message takes one. Arithmetic only, so the collector can check every message on its network thread.
public struct TokenBucket: Sendable, Equatable {
  public let rate: Double
  public let capacity: Double
  public private(set) var tokens: Double
  private var refilledAt: Int64

  /// A full bucket at `now` (milliseconds).
  public init(rate: Double, capacity: Double, now: Int64) {
    self.rate = rate
    self.capacity = max(1, capacity)
    tokens = self.capacity
    refilledAt = now
  }

  /// Takes one token at `now` (milliseconds): `false` when none is left (the message is over the rate).
  public mutating func take(now: Int64) -> Bool {
    if now > refilledAt {
      tokens = min(capacity, tokens + Double(now - refilledAt) * rate / 1000)
      refilledAt = now
    }
    guard tokens >= 1 else { return false }
    tokens -= 1
    return true
  }
}
