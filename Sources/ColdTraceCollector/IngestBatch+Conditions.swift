import ColdTraceCore
import ColdTraceStorage

/// A group's view of its rooms' defrosts and doors (docs/alert-rules.md, "Defrost and doors"): a room without a
/// known condition and without a schedule costs the two lookups of `loadConditions` and nothing per sample.
extension IngestBatch {
  /// Starts every room of the batch from its committed conditions and the config's schedule and settings.
  mutating func loadConditions(from committed: CommittedProbes, config: RoomConditionConfig) {
    for index in rooms.indices {
      let (site, room) = (rooms[index].site, rooms[index].room)
      rooms[index].conditions = committed.conditions[RoomKey(site: site, room: room)]
      rooms[index].schedule = config.schedule(site: site, room: room)
      if rooms[index].conditions != nil || rooms[index].schedule != nil {
        rooms[index].settings = config.settings(site: site, room: room)
      }
    }
  }

  /// Whether a sample of `room` at `ts` falls in a defrost or door pause of air-probe alarms.
  func pausesAirAlarms(_ room: Int, at ts: Timestamp) -> Bool {
    // Read in place (no copy of the room's slot): this runs for every air sample of the group.
    guard let settings = rooms[room].settings else { return false }
    return (rooms[room].conditions ?? RoomConditions()).pausesAirAlarms(
      at: ts, schedule: rooms[room].schedule, settings: settings)
  }

  /// Changes the room's conditions with `change` (its settings at hand); the group saves them before it commits.
  mutating func updateConditions(
    _ room: Int, config: RoomConditionConfig,
    _ change: (inout RoomConditions, RoomConditionSettings) throws -> Void
  ) rethrows {
    let settings = rooms[room].settings ?? config.settings(site: rooms[room].site, room: rooms[room].room)
    rooms[room].settings = settings
    var conditions = rooms[room].conditions ?? RoomConditions()
    try change(&conditions, settings)
    if conditions != rooms[room].conditions {
      rooms[room].conditions = conditions
      rooms[room].conditionsChanged = true
    }
  }

  /// The rooms whose schedule the group must bring up to date, with the oldest and newest sample time it has there.
  var scheduledRooms: [(room: Int, schedule: DefrostSchedule, from: Timestamp, through: Timestamp)] {
    rooms.indices.compactMap { index in
      let span = rooms[index].span
      return rooms[index].schedule.map {
        (index, $0, Timestamp(milliseconds: span.lowerBound), Timestamp(milliseconds: span.upperBound))
      }
    }
  }

  /// The conditions the group changed, to save in its transaction.
  var changedConditions: [(site: String, room: String, conditions: RoomConditions)] {
    rooms.compactMap { slot in
      guard slot.conditionsChanged, let conditions = slot.conditions else { return nil }
      return (slot.site, slot.room, conditions)
    }
  }

  /// Hands the changed conditions to the pipeline's memory, after the commit.
  func publishConditions(into committed: inout CommittedProbes) {
    for slot in rooms where slot.conditionsChanged {
      committed.conditions[RoomKey(site: slot.site, room: slot.room)] = slot.conditions
    }
  }
}
