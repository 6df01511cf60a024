import ColdTraceCore
import ColdTraceStorage

/// Retirements the shell recorded (`coldtrace probe retire/replace` write the database, not the collector's memory).
extension IngestPipeline {
  /// Learns the probes the shell retired since the last call: from then on their readings are stored and judged by
  /// no rule. A retired input or evaporator probe also leaves no span of its rooms open: the shell ended them in the
  /// database, and the collector's memory (which it saves with every group) ends them too, at the retirement. The
  /// timer calls it every round; the table is small.
  public func refreshRetirements() throws {
    let retired = try store.retiredProbes()
    try committed.withLock { memory in
      for (probe, at) in retired where memory[probe]?.retired != true {
        var changed: [(RoomKey, RoomConditions)] = []
        for (room, conditions) in memory.conditions where room.site == probe.site {
          var ended = conditions
          ended.retire(sensor: probe.sensor, at: at)
          if ended != conditions { changed.append((room, ended)) }
        }
        if !changed.isEmpty {
          try store.write { tx in
            for (room, conditions) in changed {
              try tx.saveRoomConditions(conditions, site: room.site, room: room.room)
            }
            try tx.endSpans(ofRetired: probe.sensor, site: probe.site, at: at)
          }
          for (room, conditions) in changed { memory.conditions[room] = conditions }
        }
        var state = memory[probe] ?? CommittedProbe()
        state.retired = true
        memory[probe] = state
      }
    }
  }
}
