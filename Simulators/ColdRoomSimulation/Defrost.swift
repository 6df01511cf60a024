/// Evaporator defrost: several times a day the compressor stops and an electric heater melts the frost off the coil.
///
/// Part of the heater's power reaches the room air, which rises a few degrees for the length of the defrost and then
/// recovers; part of the melted frost evaporates back into the air. Defrosts are scheduled at fixed local hours
/// (`perDay` evenly spaced from `firstLocalHour`); a scenario can also trigger one.
public struct Defrost: Sendable, Equatable {
  /// Scheduled defrosts per day; 0 turns the schedule off.
  public var perDay = 4
  /// Length of each defrost, minutes (15–30 is usual).
  public var minutes = 20.0
  /// Local hour of the first defrost of the day.
  public var firstLocalHour = 2.0
  /// Heater power, W.
  public var heaterW = 2_500.0
  /// Share of the heater power that warms the room air rather than the coil and the frost.
  public var shareToAir = 0.3
  /// Share of the melted frost that evaporates back into the room instead of draining.
  public var reevaporatedShare = 0.15

  public init() {}

  /// Whether a scheduled defrost is running at `localSecondsOfDay` (seconds since local midnight).
  public func scheduled(localSecondsOfDay: Double) -> Bool {
    guard perDay > 0 else { return false }
    let interval = 86_400 / Double(perDay)
    var since = (localSecondsOfDay - firstLocalHour * 3600).truncatingRemainder(dividingBy: interval)
    if since < 0 { since += interval }
    return since < minutes * 60
  }
}
