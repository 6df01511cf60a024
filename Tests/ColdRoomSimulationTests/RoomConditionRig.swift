import ColdRoomSimulation
import ColdTraceCore

/// A simulated air-only room judged by the pure engines the collector runs (`AlertEngine`, `LotEngine`,
/// `RoomConditions`), its controller's defrost output and door contact read as inputs every minute and on change:
/// the collector's decisions without the collector, for property tests over many generated weeks.
struct RoomConditionRig {
  let profile: ProductProfile
  let settings = RoomConditionSettings()
  let sampleMinutes: Int
  /// Whether the rig knows the defrosts and doors (`false`: as ColdTrace judged the room before it did).
  let pauses: Bool
  private let air = SensorKey(site: "hx", room: "cold2", sensor: "sht31-air")
  private let input = SensorKey(site: "hx", room: "cold2", sensor: "cold2-controller")
  private var probe = SensorRuleState()
  private var lot = LotRuleState()
  private var conditions = RoomConditions()
  private var last: (defrost: Bool, door: Bool)?
  /// Every alert event, with where it came from.
  private(set) var events: [AlertEvent] = []
  /// Event time at which the product's pulp first went past the critical high limit, if it did.
  private(set) var productLeftCriticalBandAt: Timestamp?
  /// The warmest air reading.
  private(set) var peakAir = -Double.infinity

  init(profile: ProductProfile, sampleMinutes: Int, pauses: Bool = true) {
    self.profile = profile
    self.sampleMinutes = sampleMinutes
    self.pauses = pauses
  }

  /// The first critical event, if any.
  var firstCritical: AlertEvent? { events.first { $0.severity == .critical && $0.type != .resolved } }

  /// Plays `room` for `minutes`, minute by minute.
  mutating func play(_ room: inout ColdRoom, minutes: Int) {
    let critical = profile.temperature.limit(.critical, .high)?.threshold ?? .infinity
    for minute in 0..<minutes {
      let ts = room.start.adding(seconds: Double(minute) * 60)
      room.advance(to: ts)
      let snapshot = room.snapshot
      if productLeftCriticalBandAt == nil, snapshot.productC > critical { productLeftCriticalBandAt = ts }
      // The controller's defrost relay is off without power, whatever its schedule.
      let state = (defrost: snapshot.defrosting && snapshot.powered, door: snapshot.doorOpen)
      if pauses, last.map({ $0 != state }) ?? true || minute % sampleMinutes == 0 {
        last = state
        let signal = Sample(seq: nil, ts: ts, defrost: state.defrost, doorOpen: state.door)
        for event in conditions.process(input: signal, key: input, productID: profile.id, settings: settings) {
          if case .alert(let alert) = event { events.append(alert) }
        }
      }
      guard minute % sampleMinutes == 0, case .reading(let tempC, let rhPct)? = room.read(probeID: air.sensor) else {
        continue
      }
      let sample = Sample(seq: nil, ts: ts, tempC: tempC, rhPct: rhPct)
      peakAir = max(peakAir, tempC)
      let paused = conditions.pausesAirAlarms(at: ts, schedule: nil, settings: settings)
      events += AlertEngine.process(sample, key: air, profile: profile, paused: paused, state: &probe)
      for event in LotEngine.process(
        sample, key: air, lot: "L1", profile: profile, paused: paused, state: &lot)
      {
        if case .alert(let alert) = event { events.append(alert) }
      }
    }
  }

  /// A room with the rig's air probe.
  static func room(
    _ configuration: ColdRoom.Configuration, start: Timestamp, events: [RoomEvent], seed: UInt64
  ) -> ColdRoom {
    ColdRoom(
      start: start, configuration: configuration, probes: [Probe(id: "sht31-air", kind: .sht31, placement: .air)],
      events: events, seed: seed)
  }
}
