import ColdTraceCore
import ColdTraceStorage

/// The state one group of readings works on, before it commits: every probe's and every room's, loaded once from
/// the committed memory, changed by the pure steps (`AlertEngine`, `WatermarkTracker`), and published back only
/// after the commit. It issues no SQL: `IngestPipeline` reads and writes through `WriteTransaction`.
///
/// Each probe and each room of the group gets a slot once, when the batch is made; every reading then reaches its
/// probe's state and its room's lots by index, with no lookup per reading.
struct IngestBatch {
  struct Probe {
    let id: ProbeKey
    /// As committed before the group, and as the group leaves it.
    var before = CommittedProbe()
    var now = CommittedProbe()
    /// Whether any reading of the batch moved the acknowledgement (an agent's numbered samples).
    var acknowledged = false
    /// The highest `seq` stored for the probe, read on first need in the batch and kept up to date by it.
    var highestSequence: Int64?
    /// An upper bound of the times of the probe's unnumbered readings stored (ms), read on first need in the batch and
    /// kept up to date by its unnumbered writes (numbered rows, keyed by their `seq`, never collide with them): a later
    /// sample without `seq` is new (`WriteTransaction.storeSamples`).
    var latestTime: Int64?
  }

  struct Room {
    let site: String
    let room: String
    /// The earliest and latest sample time of the batch in this room, then the placements read for that span.
    var span: ClosedRange<Int64>
    var occupancy: RoomOccupancy?
    /// The last lots seen in the room and how they judge it, reused while the lots stay the same.
    var judged: (lots: [(id: String, product: String)], room: SharedRoom)?
    /// Whether a probe hanging in the room measures the product (placement `product` or `simulant`): then only such
    /// probes judge its lots.
    var hasProductProbe = false
    /// The room's defrosts and doors, as committed and as the group leaves them; `nil` for a room that never had
    /// one (see `IngestBatch+Conditions`).
    var conditions: RoomConditions?
    var conditionsChanged = false
    /// The room's defrost schedule in the collector config, if any.
    var schedule: DefrostSchedule?
    /// The room's defrost and door settings, looked up only for a room with conditions or a schedule.
    var settings: RoomConditionSettings?
    /// The end of the earliest undecided group wait of the room's site, as committed and as the group leaves it (see
    /// `IngestBatch+GroupWaits`).
    var groupWait: Timestamp?
    var groupWaitChanged = false
  }

  private(set) var probes: [Probe] = []
  /// Set by `IngestBatch+Conditions` (the rooms' conditions) as well as here.
  var rooms: [Room] = []
  /// Per reading of the batch: the index of its probe in `probes` and of its room in `rooms`.
  private var probeOfReading: [Int] = []
  private var roomOfReading: [Int] = []

  init(_ readings: [DecodedReading]) {
    var probeSlots: [ProbeKey: Int] = [:]
    var roomSlots: [RoomKey: Int] = [:]
    probeOfReading.reserveCapacity(readings.count)
    roomOfReading.reserveCapacity(readings.count)
    // The previous reading's slots: a backlog often brings one probe's readings in a row, and comparing two ids
    // costs less than hashing them.
    var previous: (probe: ProbeKey, slot: Int, room: RoomKey, roomSlot: Int)?
    for reading in readings {
      let key = reading.key
      let probeID = ProbeKey(site: key.site, sensor: key.sensor)
      let probe: Int
      if let previous, previous.probe == probeID {
        probe = previous.slot
      } else if let known = probeSlots[probeID] {
        probe = known
      } else {
        probes.append(Probe(id: probeID))
        probe = probes.count - 1
        probeSlots[probeID] = probe
      }
      var (earliest, latest) = (Int64.max, Int64.min)
      for sample in reading.samples {
        earliest = min(earliest, sample.ts.milliseconds)
        latest = max(latest, sample.ts.milliseconds)
      }
      // A decoded reading has at least one sample.
      let span = earliest <= latest ? earliest...latest : 0...0
      let roomID = RoomKey(site: key.site, room: key.room)
      let room: Int
      if let known = previous?.room == roomID ? previous?.roomSlot : roomSlots[roomID] {
        room = known
        let seen = rooms[room].span
        rooms[room].span = min(seen.lowerBound, span.lowerBound)...max(seen.upperBound, span.upperBound)
      } else {
        rooms.append(Room(site: key.site, room: key.room, span: span))
        room = rooms.count - 1
        roomSlots[roomID] = room
      }
      probeOfReading.append(probe)
      roomOfReading.append(room)
      previous = (probeID, probe, roomID, room)
    }
  }

  func probe(ofReading index: Int) -> Int { probeOfReading[index] }
  func room(ofReading index: Int) -> Int { roomOfReading[index] }

  /// Starts every probe of the batch from its committed state, and finds the rooms of the batch that have a product
  /// probe: one that hangs there as committed, or that reads there in the batch.
  mutating func load(from committed: CommittedProbes) {
    for index in probes.indices {
      let probe = committed[probes[index].id] ?? CommittedProbe()
      probes[index].before = probe
      probes[index].now = probe
    }
    for index in rooms.indices {
      rooms[index].hasProductProbe = committed.hasProductProbe(
        RoomKey(site: rooms[index].site, room: rooms[index].room))
    }
    for (reading, probe) in probeOfReading.enumerated() where probes[probe].now.placement.measuresProduct {
      rooms[roomOfReading[reading]].hasProductProbe = true
    }
  }

  /// Hands the committed states to the pipeline's memory.
  func publish(into committed: inout CommittedProbes) {
    for probe in probes {
      var kept = committed[probe.id] ?? probe.before
      kept.source = probe.now.source
      kept.room = probe.now.source?.room ?? kept.room
      if probe.now.engine != probe.before.engine { kept.engine = probe.now.engine }
      if probe.acknowledged { kept.tracker = probe.now.tracker }
      kept.incarnation = probe.now.incarnation
      kept.sequenceResetOpen = probe.now.sequenceResetOpen
      committed[probe.id] = kept
    }
  }

  /// Read in place (`_read`): a getter would copy the whole slot, both committed states, to read one field of it.
  subscript(probe index: Int) -> Probe {
    _read { yield probes[index] }
    _modify { yield &probes[index] }
  }

  /// Starts the probe's watermark again at `base` (a new install's offset: its numbers count from there).
  mutating func restartWatermark(_ probe: Int, at base: Int64) {
    probes[probe].now.tracker = WatermarkTracker(watermark: base)
    probes[probe].acknowledged = true
  }

  /// Records freshly stored sequence numbers in the probe's acknowledgement.
  mutating func record(_ probe: Int, stored numbers: [Int64], floor: Int64?) {
    probes[probe].now.tracker.record(stored: numbers, floor: floor)
    probes[probe].acknowledged = true
  }

  /// Runs the probe's alert engine over one fresh sample (band and trend rules only for a probe that judges the
  /// product by its placement; `paused`: in a defrost or door pause of its room).
  mutating func process(
    _ sample: Sample, key: SensorKey, profile: ProductProfile, probe: Int, paused: Bool
  ) -> [AlertEvent] {
    AlertEngine.process(
      sample, key: key, profile: profile, judgesProduct: probes[probe].now.placement.judgesProduct, paused: paused,
      state: &probes[probe].now.engine)
  }

  /// Whether the room has a probe that measures the product (see `load(from:)`).
  func hasProductProbe(_ room: Int) -> Bool { rooms[room].hasProductProbe }

  /// The room's lots over the batch's span of sample times, once `occupancy(_:read:)` has read them.
  func occupancy(_ room: Int) -> RoomOccupancy? { rooms[room].occupancy }

  /// The span of sample times the batch has in `room`, for reading its occupancy once.
  func span(ofRoom room: Int) -> (site: String, room: String, from: Timestamp, to: Timestamp) {
    let slot = rooms[room]
    return (
      slot.site, slot.room, Timestamp(milliseconds: slot.span.lowerBound), Timestamp(milliseconds: slot.span.upperBound)
    )
  }

  mutating func setOccupancy(_ occupancy: RoomOccupancy, ofRoom room: Int) { rooms[room].occupancy = occupancy }

  /// How `lots` judge the room: `judge(lots)`, asked again only when the lots differ from the last ones.
  mutating func sharedRoom(
    _ room: Int, lots: [(id: String, product: String)], judge: ([(id: String, product: String)]) -> SharedRoom
  ) -> SharedRoom {
    if let judged = rooms[room].judged,
      judged.lots.elementsEqual(lots, by: { $0.id == $1.id && $0.product == $1.product })
    {
      return judged.room
    }
    let shared = judge(lots)
    rooms[room].judged = (lots, shared)
    return shared
  }

  /// What the batch changed, per source row: the engine state and the watermark to save (`nil`: unchanged).
  var changes: [(source: Int64, engine: SensorRuleState?, watermark: Int64?)] {
    probes.compactMap { probe in
      guard let source = probe.now.source?.id else { return nil }
      let engine = probe.now.engine != probe.before.engine ? probe.now.engine : nil
      let watermark =
        probe.acknowledged && probe.now.tracker.watermark != probe.before.tracker.watermark
        ? probe.now.tracker.watermark : nil
      return engine == nil && watermark == nil ? nil : (source, engine, watermark)
    }
  }

  /// Per probe whose agent numbered its samples, the acknowledgement as the batch leaves it.
  func acknowledgements(_ readings: [DecodedReading]) -> [Acknowledgement] {
    var latest = [Int?](repeating: nil, count: probes.count)
    for (index, reading) in readings.enumerated() where reading.agent != nil {
      latest[probeOfReading[index]] = index
    }
    return probes.indices.compactMap { probe in
      guard probes[probe].acknowledged, let index = latest[probe], let agent = readings[index].agent else { return nil }
      // The tracker counts stored numbers; the agent is told its own (the incarnation's offset taken off).
      let tracker = probes[probe].now.tracker
      let base = probes[probe].now.incarnation?.base ?? 0
      return Acknowledgement(
        site: probes[probe].id.site, agent: agent, sensor: probes[probe].id.sensor,
        watermark: max(0, tracker.watermark - base),
        gap: tracker.gap.map { ($0.firstMissing - base)...($0.highestStored - base) },
        incarnation: readings[index].incarnation)
    }
  }
}
