import Foundation

/// The demo's files: a broker config on a free loopback port and one litchi cold room with a scripted door opening.
enum DemoFacility {
  static let site = "hongxuan"
  static let room = "cold2"
  static let sensor = "cold2-air"
  static let agent = "hx-edge-1"
  static let lot = "LT-2026-DEMO"
  /// An hour and a quarter of event time, sampled every 30 s, played 600× faster (about 8 s).
  static let minutes = 75.0
  static let intervalSeconds = 30.0
  static let speed = 600.0
  static var samples: Int { Int(minutes * 60 / intervalSeconds) }

  static func brokerConfig(port: Int, directory: URL) -> String {
    var text = """
      # ColdTrace demo broker: loopback only, anonymous, nothing dropped.
      listener \(port) 127.0.0.1
      allow_anonymous true
      max_queued_messages 0
      persistence false
      log_dest file \(directory.path)/mosquitto.log

      """
    if getuid() == 0 { text += "user root\n" }
    return text
  }

  /// The room, as a `Simulators/` scenario: 2 t of litchi, its door left open 30 minutes from minute 10.
  static let scenario = """
    # ColdTrace demo room: a litchi cold room whose door is left open for 30 minutes (see Simulators/scenarios/).
    name = "demo-door-open"
    description = "Door of a 2 t litchi room left open 30 min"
    start = "2026-06-12T01:00:00Z"
    hours = 2
    sample_seconds = 30
    seed = 7

    [product]
    kind = "litchi"
    mass_kg = 2000

    [defrost]
    per_day = 0

    [[probe]]
    id = "sht31-air"
    kind = "sht31"
    placement = "air"

    [[event]]
    at_minutes = 10
    kind = "door_open"
    minutes = 30
    """

  static func agentConfig(port: Int, stateDirectory: URL, scenario: URL) -> String {
    """
    # ColdTrace demo agent: one simulated litchi cold room whose door is left open for 30 minutes.
    site = "\(site)"
    agent = "\(agent)"
    broker = "mqtt://127.0.0.1:\(port)"
    state_dir = "\(stateDirectory.path)"
    interval_seconds = \(intervalSeconds)

    [simulation]
    catch_up_minutes = \(minutes)
    speed = \(speed)

    # The demo plays simulated time: whether this machine's clock is synchronised says nothing about its readings.
    [clock]
    sync = "trust"

    [[sensor]]
    id = "\(sensor)"
    room = "\(room)"
    driver = "simulated"
    scenario = "\(scenario.path)"
    probe = "sht31-air"
    """
  }
}
