import ColdTraceCore

/// The probes the `mqtt` driver has mapped in this run: their rooms and placements go into the agent's status (as the
/// `[[sensor]]`s' do), and their samples are numbered here, in arrival order, with each probe's next `seq`.
struct MappedProbes {
  private(set) var rooms: [String: String] = [:]
  private(set) var placements: [String: Placement] = [:]
  /// The probes' health, offline limits and availability, as the status announces them (`mqtt_probes`).
  private(set) var reports: [String: SiteProbeReport] = [:]

  /// Notes the probes of `arrivals` and their reports; `true` if a probe is new or moved, or its report changed
  /// enough (the status is due again).
  mutating func learn(_ arrivals: Arrivals) -> Bool {
    var changed = false
    if let (reports, rooms) = arrivals.conditions {
      self.reports = reports
      for (sensor, room) in rooms where self.rooms[sensor] != room { self.rooms[sensor] = room }
      changed = true
    }
    for arrived in arrivals.samples {
      if rooms[arrived.sensor] != arrived.room {
        rooms[arrived.sensor] = arrived.room
        changed = true
      }
      if let placement = arrived.placement, placements[arrived.sensor] != placement {
        placements[arrived.sensor] = placement
        changed = true
      }
    }
    return changed
  }

  /// The outbox records of `samples`, in their order; `nextSequence` gives a probe's next `seq` in the outbox (asked
  /// once per probe: the records are not in the outbox yet). `clock` (the agent's clock while it is not synchronised)
  /// goes only with samples stamped on arrival: a device's own time is not the agent's to correct or doubt.
  func number(_ samples: [ArrivedSample], clock: UnsyncedStamp?, nextSequence: (String) -> Int64) -> [OutboxRecord] {
    var next: [String: Int64] = [:]
    return samples.map { arrived in
      let seq = next[arrived.sensor] ?? nextSequence(arrived.sensor)
      next[arrived.sensor] = seq + 1
      var sample = arrived.sample
      sample.seq = seq
      return OutboxRecord(
        sensor: arrived.sensor, room: arrived.room, sample: sample, clock: arrived.timedOnReceipt ? clock : nil)
    }
  }
}
