import ColdRoomSimulation
import ColdTraceCore

/// Helpers for the physical tests: a room on a virtual clock, sampled every minute.
enum RoomTrace {
  static let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!  // local midnight in Bac Ninh

  /// The true state every `everySeconds` for `minutes`, from the start.
  static func states(_ room: ColdRoom, minutes: Double, everySeconds: Double = 60) -> [RoomSnapshot] {
    var room = room
    var result: [RoomSnapshot] = []
    var offset = 0.0
    while offset <= minutes * 60 {
      room.advance(to: start.adding(seconds: offset))
      result.append(room.snapshot)
      offset += everySeconds
    }
    return result
  }

  /// States whose minute since the start lies in `range`.
  static func window(_ states: [RoomSnapshot], minutes range: ClosedRange<Double>) -> [RoomSnapshot] {
    states.filter { range.contains($0.time.seconds(since: start) / 60) }
  }

  /// A configuration with no scheduled defrost, so only the event under test disturbs the room.
  static func quietConfiguration() -> ColdRoom.Configuration {
    var configuration = ColdRoom.Configuration()
    configuration.defrost.perDay = 0
    return configuration
  }
}
