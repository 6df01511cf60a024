import ColdTraceCore

/// A step of the wall clock against the boot-time clock (NTP setting the time, an operator): more than 2 s.
enum ClockJump {
  /// The step since the previous pass, in whole seconds, if there was one; keeps this pass's offset in `previous`.
  static func detect(now: Timestamp, bootMilliseconds: Int64, previous: inout Int64?) -> Int64? {
    let offset = now.milliseconds - bootMilliseconds
    defer { previous = offset }
    guard let before = previous, abs(offset - before) > 2000 else { return nil }
    return (offset - before) / 1000
  }
}
