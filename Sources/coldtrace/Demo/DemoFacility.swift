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

  static func agentConfig(port: Int, stateDirectory: URL) -> String {
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

    [[sensor]]
    id = "\(sensor)"
    room = "\(room)"
    driver = "simulated"
    setpoint_c = 3.5
    ambient_c = 30
    door_open_at_minute = 10
    door_open_minutes = 30
    seed = 7
    """
  }
}
