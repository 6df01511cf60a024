import ColdTraceCore
import ColdTraceStorage

/// What a batch of readings changed, per probe and per room, before it commits: saved once per probe at the end of
/// the transaction, and handed to the pipeline's memory only after the commit.
///
/// Each probe and each room of the batch gets a slot once, when the batch is made; every reading then reaches its
/// probe's engine state, watermark and source id, and its room's lots, by index, with no lookup per reading.
struct PendingBatch {
  /// A probe's row in `sources`: its id, and the room and agent last stored.
  typealias Source = (id: Int64, room: String, agent: String?)

  struct Probe {
    let id: ProbeKey
    /// The source row as last committed or as this transaction left it.
    var source: Source?
    var engine = SensorRuleState()
    var engineBefore = SensorRuleState()
    var tracker = WatermarkTracker()
    var trackerBefore = WatermarkTracker()
    /// Whether any reading of the batch moved the acknowledgement (an agent's numbered samples).
    var acknowledged = false
    /// The highest `seq` stored for the probe, read on first need in the batch and kept up to date by it.
    var highestSequence: Int64?
  }

  struct Room {
    let site: String
    let room: String
    /// The earliest and latest sample time of the batch in this room, then the placements read for that span.
    var span: ClosedRange<Int64>
    var occupancy: RoomOccupancy?
    /// The last lots seen in the room and how they judge it, reused while the lots stay the same.
    var judged: (lots: [(id: String, product: String)], room: SharedRoom)?
  }

  private var probes: [Probe] = []
  private var rooms: [Room] = []
  /// Per reading of the batch: the index of its probe in `probes` and of its room in `rooms`.
  private var probeOfReading: [Int] = []
  private var roomOfReading: [Int] = []

  init(_ readings: [DecodedReading]) {
    var probeSlots: [ProbeKey: Int] = [:]
    var roomSlots: [RoomKey: Int] = [:]
    probeOfReading.reserveCapacity(readings.count)
    roomOfReading.reserveCapacity(readings.count)
    for reading in readings {
      let key = reading.key
      let probeID = ProbeKey(site: key.site, sensor: key.sensor)
      let probe: Int
      if let known = probeSlots[probeID] {
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
      if let known = roomSlots[roomID] {
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
    }
  }

  func probe(ofReading index: Int) -> Int { probeOfReading[index] }
  func room(ofReading index: Int) -> Int { roomOfReading[index] }

  /// Starts every probe of the batch from its committed engine state.
  mutating func loadEngineStates(from committed: [ProbeKey: SensorRuleState]) {
    for index in probes.indices {
      let state = committed[probes[index].id] ?? SensorRuleState()
      probes[index].engine = state
      probes[index].engineBefore = state
    }
  }

  /// Starts every probe of the batch from its source row as last committed (`nil` for one not seen yet).
  mutating func loadSources(from committed: [ProbeKey: Source]) {
    for index in probes.indices { probes[index].source = committed[probes[index].id] }
  }

  /// Hands the committed source rows to the pipeline's memory.
  func storeSources(into sources: inout [ProbeKey: Source]) {
    for probe in probes { sources[probe.id] = probe.source }
  }

  /// Starts every probe of the batch from its committed acknowledgement watermark.
  mutating func loadTrackers(from committed: [ProbeKey: WatermarkTracker]) {
    for index in probes.indices {
      let tracker = committed[probes[index].id] ?? WatermarkTracker()
      probes[index].tracker = tracker
      probes[index].trackerBefore = tracker
    }
  }

  /// `tx.sourceID`, asked again only when the probe's room or agent differs from the last stored (so the source row
  /// always follows the latest message, as without the cache).
  mutating func sourceID(_ probe: Int, key: SensorKey, agent: String?, _ tx: WriteTransaction) throws -> Int64 {
    if let known = probes[probe].source, known.room == key.room, agent == nil || agent == known.agent {
      return known.id
    }
    let id = try tx.sourceID(for: key, agent: agent)
    probes[probe].source = (id, key.room, agent ?? probes[probe].source?.agent)
    return id
  }

  /// Stores `samples` of the batch's `probe` (from `source`) and returns those that were new. Numbered samples above
  /// the highest number stored go to `newSamples`, several rows a statement; anything else is checked row by row.
  mutating func storeNew(
    _ samples: [Sample], probe: Int, source: Int64, tx: WriteTransaction, newSamples: NewSampleWriter
  ) throws -> [Sample] {
    guard let first = samples.first?.seq, let last = samples.last?.seq, Self.numberedInOrder(samples) else {
      try newSamples.flush()
      return try tx.insertNew(samples, source: source)
    }
    let highest = try probes[probe].highestSequence ?? newSamples.highestSequence(source: source)
    // Numbered in increasing order: the first above `highest` means all are.
    if first > highest {
      probes[probe].highestSequence = last
      return try newSamples.store(samples, source: source, group: probe)
    }
    try newSamples.flush()
    let fresh = try tx.insertNew(samples, source: source)
    probes[probe].highestSequence = max(highest, fresh.last?.seq ?? highest)
    return fresh
  }

  /// Whether every sample has a `seq` and they strictly increase: what the decoder guarantees of a payload, checked
  /// again because a `DecodedReading` can be made by hand.
  private static func numberedInOrder(_ samples: [Sample]) -> Bool {
    var previous = Int64.min
    for sample in samples {
      guard let seq = sample.seq, seq > previous else { return false }
      previous = seq
    }
    return true
  }

  /// Records freshly stored sequence numbers in the probe's acknowledgement.
  mutating func record(_ probe: Int, stored numbers: [Int64], floor: Int64?) {
    probes[probe].tracker.record(stored: numbers, floor: floor)
    probes[probe].acknowledged = true
  }

  /// Runs the probe's alert engine over one fresh sample.
  mutating func process(_ sample: Sample, key: SensorKey, profile: ProductProfile, probe: Int) -> [AlertEvent] {
    AlertEngine.process(sample, key: key, profile: profile, state: &probes[probe].engine)
  }

  /// The lots placed in the room over the batch's span of sample times, read once per room.
  mutating func occupancy(_ room: Int, _ tx: WriteTransaction) throws -> RoomOccupancy {
    if let known = rooms[room].occupancy { return known }
    let span = rooms[room].span
    let occupancy = try tx.occupancy(
      ofRoom: rooms[room].site, rooms[room].room, from: Timestamp(milliseconds: span.lowerBound),
      to: Timestamp(milliseconds: span.upperBound))
    rooms[room].occupancy = occupancy
    return occupancy
  }

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

  /// Saves the engine states and watermarks the batch changed; call once, before the transaction commits.
  func save(_ tx: WriteTransaction) throws {
    for probe in probes {
      guard let source = probe.source?.id else { continue }
      if probe.engine != probe.engineBefore { try tx.saveEngineState(probe.engine, source: source) }
      if probe.acknowledged && probe.tracker.watermark != probe.trackerBefore.watermark {
        try tx.saveWatermark(probe.tracker.watermark, source: source)
      }
    }
  }

  /// Hands the committed engine states to the pipeline's memory.
  func storeEngineStates(into states: inout [ProbeKey: SensorRuleState]) {
    for probe in probes where probe.engine != probe.engineBefore { states[probe.id] = probe.engine }
  }

  /// Per probe whose agent numbered its samples, the acknowledgement as the batch leaves it.
  func acknowledgements(_ readings: [DecodedReading]) -> [Acknowledgement] {
    var latest = [Int?](repeating: nil, count: probes.count)
    for (index, reading) in readings.enumerated() where reading.agent != nil {
      latest[probeOfReading[index]] = index
    }
    return probes.indices.compactMap { probe in
      guard probes[probe].acknowledged, let index = latest[probe], let agent = readings[index].agent else { return nil }
      let tracker = probes[probe].tracker
      return Acknowledgement(
        site: probes[probe].id.site, agent: agent, sensor: probes[probe].id.sensor, watermark: tracker.watermark,
        gap: tracker.gap.map { $0.firstMissing...$0.highestStored })
    }
  }

  /// Hands the committed acknowledgement trackers to the pipeline's memory.
  func storeTrackers(into trackers: inout [ProbeKey: WatermarkTracker]) {
    for probe in probes where probe.acknowledged { trackers[probe.id] = probe.tracker }
  }
}

/// A room of a site, as a dictionary key.
private struct RoomKey: Hashable {
  var site: String
  var room: String
}
