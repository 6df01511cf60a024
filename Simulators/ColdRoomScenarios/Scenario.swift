import ColdRoomSimulation
import ColdTraceCore

/// A scenario file: one cold room, its probes, and a timeline of events to play over a stretch of event time.
///
/// Scenarios live as TOML under `Simulators/scenarios/`; `ScenarioFile` reads them. Running one is deterministic:
/// the same file and seed give the same trace.
public struct Scenario: Sendable {
  public var name: String
  public var description: String
  public var start: Timestamp
  /// Length of the run, seconds of event time.
  public var durationSeconds: Double
  /// Time between probe reads, seconds.
  public var sampleSeconds: Double
  public var seed: UInt64
  public var configuration: ColdRoom.Configuration
  public var probes: [Probe]
  public var events: [RoomEvent]

  public init(
    name: String, description: String = "", start: Timestamp, durationSeconds: Double, sampleSeconds: Double = 60,
    seed: UInt64 = 1, configuration: ColdRoom.Configuration = .init(), probes: [Probe], events: [RoomEvent] = []
  ) {
    self.name = name
    self.description = description
    self.start = start
    self.durationSeconds = durationSeconds
    self.sampleSeconds = sampleSeconds
    self.seed = seed
    self.configuration = configuration
    self.probes = probes
    self.events = events
  }

  /// A fresh room at the scenario's start, with `seed` instead of the file's when given.
  public func makeRoom(seed: UInt64? = nil) -> ColdRoom {
    ColdRoom(start: start, configuration: configuration, probes: probes, events: events, seed: seed ?? self.seed)
  }

  /// Plays the scenario on a virtual clock, calling `body` at every sample time (the start included) with the true
  /// state and each probe's reading, in probe order.
  public func play(seed: UInt64? = nil, _ body: (RoomSnapshot, [ProbeOutput]) throws -> Void) rethrows {
    var room = makeRoom(seed: seed)
    var offset = 0.0
    while offset <= durationSeconds {
      room.advance(to: start.adding(seconds: offset))
      let outputs = probes.indices.map { room.read(probe: $0) }
      try body(room.snapshot, outputs)
      offset += sampleSeconds
    }
  }
}
