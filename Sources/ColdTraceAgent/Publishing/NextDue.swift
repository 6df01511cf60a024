import ColdTraceCore

/// The earliest of the times a pass found due next: the time the agent sleeps until.
struct NextDue {
  private(set) var earliest: Timestamp?

  mutating func include(_ time: Timestamp?) {
    guard let time else { return }
    earliest = earliest.map { min($0, time) } ?? time
  }
}
