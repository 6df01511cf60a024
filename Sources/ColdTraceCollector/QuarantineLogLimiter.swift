import ColdTraceCore

/// Warnings about quarantined payloads, at most one per topic and reason per interval: an agent whose clock runs
/// hours ahead has every sample refused and re-sends its whole outbox every few seconds, and a line per payload would
/// bury everything else in the log. The quarantine table keeps every payload regardless.
struct QuarantineLogLimiter {
  let intervalSeconds: Double
  /// The most topic/reason pairs remembered; past it the memory starts over (hostile publishers invent topics).
  let capacity: Int
  private var recent: [String: (loggedAt: Timestamp, suppressed: Int)] = [:]

  init(intervalSeconds: Double = 60, capacity: Int = 10_000) {
    self.intervalSeconds = intervalSeconds
    self.capacity = capacity
  }

  /// The warning to log for this payload now, or `nil` to stay quiet (it is counted in the next warning instead).
  mutating func warning(topic: String, reason: String, detail: String, now: Timestamp) -> String? {
    let key = reason + " " + topic
    var suppressed = 0
    if let earlier = recent[key] {
      guard now.seconds(since: earlier.loggedAt) >= intervalSeconds else {
        recent[key]?.suppressed += 1
        return nil
      }
      suppressed = earlier.suppressed
    } else if recent.count >= capacity {
      recent.removeAll()
    }
    recent[key] = (now, 0)
    let more =
      suppressed > 0
      ? " (and \(suppressed) more on this topic for this reason since the last warning)" : ""
    return "quarantined payload on \(topic): \(reason): \(detail)\(more)"
  }
}
