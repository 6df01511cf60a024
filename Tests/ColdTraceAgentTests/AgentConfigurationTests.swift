import ColdRoomSimulation
import ColdTraceConfig
import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceAgent

/// `agent.toml` as `coldtrace-agent run` and `check-config` read it.
@Suite("Agent configuration")
struct AgentConfigurationTests {
  static let path = "/etc/coldtrace/agent.toml"

  static let full = """
    site = "hongxuan"
    agent = "hx-edge-1"
    broker = "mqtts://hongxuan:s3cret@broker.example:8884"
    state_dir = "/var/lib/coldtrace-agent"
    interval_seconds = 30

    [tls]
    ca_file = "/etc/coldtrace/ca.crt"
    cert_file = "/etc/coldtrace/hx-edge-1.crt"
    key_file = "/etc/coldtrace/hx-edge-1.key"

    [simulation]
    catch_up_minutes = 60
    speed = 600

    [[sensor]]
    id = "cold2-air"
    room = "cold2"
    driver = "simulated"
    setpoint_c = 2.0
    ambient_c = 32
    seed = 7
    door_open_at_minute = 10
    door_open_minutes = 30

    [[sensor]]
    id = "cold3-air"
    room = "cold3"
    """

  /// The smallest valid file, for the error cases to break one thing at a time.
  static let minimal = """
    site = "hongxuan"
    agent = "hx-edge-1"

    [[sensor]]
    id = "cold2-air"
    room = "cold2"
    """

  static func load(_ text: String) throws(ConfigError) -> AgentConfiguration {
    try AgentConfiguration.load(try ConfigTable(path: path, text: text))
  }

  /// The error `text` gives, or nil if it loads.
  static func loadError(_ text: String) -> String? {
    do {
      _ = try load(text)
      return nil
    } catch {
      return error.description
    }
  }

  @Test("a full valid file parses into the values it states")
  func fullFileParses() throws {
    let configuration = try Self.load(Self.full)
    #expect(configuration.site == "hongxuan")
    #expect(configuration.agent == "hx-edge-1")
    #expect(configuration.broker.host == "broker.example")
    #expect(configuration.broker.port == 8884)
    #expect(configuration.broker.username == "hongxuan")
    #expect(configuration.broker.password == "s3cret")
    #expect(configuration.broker.usesTLS)
    #expect(configuration.tls?.caFile == "/etc/coldtrace/ca.crt")
    #expect(configuration.tls?.certFile == "/etc/coldtrace/hx-edge-1.crt")
    #expect(configuration.tls?.keyFile == "/etc/coldtrace/hx-edge-1.key")
    #expect(configuration.stateDirectory == "/var/lib/coldtrace-agent")
    #expect(configuration.intervalSeconds == 30)
    #expect(configuration.catchUpFromSecondsAgo == 3600)
    #expect(configuration.speed == 600)
    #expect(configuration.sensors.map(\.id) == ["cold2-air", "cold3-air"])
    #expect(configuration.sensors.map(\.room) == ["cold2", "cold3"])
    #expect(configuration.sensors.map(\.driver) == ["simulated", "simulated"], "simulated is the default driver")
  }

  @Test("the simulated sensors are built with the file's set-point, door opening and defaults")
  func simulatedSensorsFollowTheFile() throws {
    let configuration = try Self.load(Self.full)
    let start = Timestamp.parseRFC3339("2026-06-12T08:00:00Z")!
    let context = SensorContext(start: start)
    let sensors = configuration.sensors.map { $0.make(context) }
    #expect(sensors.map(\.id) == ["cold2-air", "cold3-air"])
    #expect(sensors.map(\.room) == ["cold2", "cold3"])

    func temperature(_ sensor: any Sensor, minute: Double) -> Double? {
      guard case .values(let tempC, _) = sensor.read(at: start.adding(seconds: minute * 60)) else { return nil }
      return tempC
    }
    let cold2AtStart = try #require(temperature(sensors[0], minute: 0))
    #expect(abs(cold2AtStart - 2.0) < 0.3, "setpoint_c = 2.0, read \(cold2AtStart)")
    let cold2DoorOpen = try #require(temperature(sensors[0], minute: 39))
    #expect(cold2DoorOpen > 6, "the door open from minute 10 to 40 warms the room, read \(cold2DoorOpen)")
    let defaultSetpoint = SimpleColdRoom.Parameters().setpointC
    let cold3AtStart = try #require(temperature(sensors[1], minute: 0))
    #expect(abs(cold3AtStart - defaultSetpoint) < 0.3, "the default set-point, read \(cold3AtStart)")
    let cold3Later = try #require(temperature(sensors[1], minute: 39))
    #expect(abs(cold3Later - defaultSetpoint) < 0.3, "no door opening configured for cold3")
  }

  @Test("a minimal file takes the documented defaults")
  func minimalFileDefaults() throws {
    let configuration = try Self.load(Self.minimal)
    #expect(configuration.broker.host == "127.0.0.1")
    #expect(configuration.broker.port == 1883)
    #expect(!configuration.broker.usesTLS)
    #expect(configuration.tls == nil)
    #expect(configuration.stateDirectory == ".")
    #expect(configuration.intervalSeconds == 60)
    #expect(configuration.catchUpFromSecondsAgo == 0)
    #expect(configuration.speed == 1)
  }

  /// A file that must be refused, and the key its message must name.
  struct BadFile: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var key: String
    var testDescription: String { name }

    init(_ name: String, key: String, _ text: String) {
      self.name = name
      self.key = key
      self.text = text
    }

    /// The minimal file with `line` replaced by `replacement` (nil: removed), or with lines added at the top level.
    static func minimal(replacing line: String? = nil, with replacement: String? = nil, adding added: [String] = [])
      -> String
    {
      var lines = AgentConfigurationTests.minimal.split(separator: "\n", omittingEmptySubsequences: false).map(
        String.init)
      if let line, let index = lines.firstIndex(of: line) {
        if let replacement { lines[index] = replacement } else { lines.remove(at: index) }
      }
      return (added + lines).joined(separator: "\n")
    }

    static let all: [BadFile] = [
      BadFile("missing site", key: "`site`", minimal(replacing: #"site = "hongxuan""#)),
      BadFile(
        "invalid agent id", key: "`agent`", minimal(replacing: #"agent = "hx-edge-1""#, with: #"agent = "hx/1""#)),
      BadFile(
        "reserved site id", key: "`site`", minimal(replacing: #"site = "hongxuan""#, with: #"site = "collector""#)),
      BadFile("http broker", key: "`broker`", minimal(adding: [#"broker = "http://x""#])),
      BadFile("zero interval", key: "`interval_seconds`", minimal(adding: ["interval_seconds = 0"])),
      BadFile("interval as text", key: "`interval_seconds`", minimal(adding: [#"interval_seconds = "60""#])),
      BadFile("misspelt key", key: "`intervall`", minimal(adding: ["intervall = 60"])),
      BadFile("unknown driver", key: "`sensor[1].driver`", minimal() + "\ndriver = \"thermocouple-x\""),
      BadFile("unknown placement", key: "`sensor[1].placement`", minimal() + "\nplacement = \"pulp\""),
      BadFile("placement as a number", key: "`sensor[1].placement`", minimal() + "\nplacement = 3"),
      BadFile("sensor without room", key: "`sensor[1].room`", minimal(replacing: #"room = "cold2""#)),
      BadFile("unknown sensor key", key: "`sensor[1].setpoint`", minimal() + "\nsetpoint = 3"),
      BadFile(
        "two sensors with one id", key: "`sensor[2].id`",
        minimal() + "\n\n[[sensor]]\nid = \"cold2-air\"\nroom = \"cold3\""),
      BadFile("no sensors", key: "[[sensor]]", "site = \"hongxuan\"\nagent = \"hx-edge-1\"\n"),
      BadFile("too slow a playback", key: "`simulation.speed`", minimal() + "\n\n[simulation]\nspeed = 0.5"),
      // TOML floats include inf and nan; the sampling clock would trap on them when the agent starts.
      BadFile(
        "negative catch-up", key: "`simulation.catch_up_minutes`",
        minimal() + "\n\n[simulation]\ncatch_up_minutes = -10"),
      BadFile(
        "infinite catch-up", key: "`simulation.catch_up_minutes`",
        minimal() + "\n\n[simulation]\ncatch_up_minutes = inf"),
      BadFile(
        "NaN catch-up", key: "`simulation.catch_up_minutes`", minimal() + "\n\n[simulation]\ncatch_up_minutes = nan"),
      BadFile("unknown tls key", key: "`tls.ca`", minimal() + "\n\n[tls]\nca = \"/etc/ca.crt\""),
    ]
  }

  @Test("an unusable file gives a ConfigError naming the file and the offending key", arguments: BadFile.all)
  func unusableFileNamesFileAndKey(_ file: BadFile) {
    let error = Self.loadError(file.text)
    #expect(error?.hasPrefix(Self.path + ":") == true, "\(error ?? "it loaded")")
    #expect(error?.contains(file.key) == true, "\(error ?? "it loaded")")
    #expect(error?.contains("\n") == false, "one line")
  }

  @Test("the unknown driver's message lists the known drivers")
  func unknownDriverListsKnownOnes() {
    let error = Self.loadError(BadFile.minimal() + "\ndriver = \"thermocouple-x\"")
    #expect(error?.contains("thermocouple-x") == true)
    #expect(error?.contains("simulated") == true, "\(error ?? "it loaded")")
  }

  @Test("a TOML syntax error names the file, the line and the column")
  func syntaxErrorNamesLineAndColumn() throws {
    let text = "site = \"hongxuan\"\nagent = \"hx-edge-1\"\ninterval_seconds = = 60\n"
    let error = try #require(Self.loadError(text))
    let prefix = Self.path + ":3:"
    #expect(error.hasPrefix(prefix), "\(error)")
    let column = error.dropFirst(prefix.count).prefix { $0.isNumber }
    #expect(Int(column).map { (18...21).contains($0) } == true, "the column of the second `=`, in \(error)")
  }

  @Test("placement: absent is air, each word is taken, a scenario sensor takes its scenario probe's")
  func placements() throws {
    #expect(try Self.load(Self.minimal).sensors.map(\.placement) == [.air])
    for placement in Placement.allCases {
      let configuration = try Self.load(Self.minimal + "\nplacement = \"\(placement.rawValue)\"")
      #expect(configuration.sensors.map(\.placement) == [placement])
    }
    let scenario = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Simulators/scenarios/normal-week.toml").path
    let sensor = "\nscenario = \"\(scenario)\"\nprobe = \"28-0316a2b4c5f8\""
    #expect(try Self.load(Self.minimal + sensor).sensors.map(\.placement) == [.product])
    let overridden = try Self.load(Self.minimal + sensor + "\nplacement = \"simulant\"")
    #expect(overridden.sensors.map(\.placement) == [.simulant], "the agent's config wins over the scenario")
    let error = Self.loadError(Self.minimal + "\nplacement = \"pulp\"")
    #expect(error?.contains("must be one of air, product, simulant, evaporator, ambient") == true, "\(error ?? "")")
  }
}
