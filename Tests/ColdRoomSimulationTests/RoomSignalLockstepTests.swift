import ColdRoomScenarios
import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import Synchronization
import TestSupport
import Testing

/// The whole path of a room signal: `coldtrace-sim run --modbus-port` plays defrost.toml (24 h) in about a minute,
/// the real agent reads the controller's coil 0 (defrost) and discrete input 1 (door) on the same time base
/// (`--start --speed --anchor`), and a subscriber on a real mosquitto collects what it publishes.
@Suite("Room signals in lockstep", .timeLimit(.minutes(10)))
struct RoomSignalLockstepTests {
  static let speed = 1440.0
  static let interval = 60.0

  /// Every published state of each input, by sequence number (a re-sent sample counts once).
  final class Published: Sendable {
    let states = Mutex<[String: [Int64: (time: Timestamp, on: Bool)]]>([:])

    func receive(_ message: ReceivedMessage) {
      guard case .object(let object)? = try? JSONParser.parse(message.payload),
        case .number(let seq)? = object["seq"], case .string(let ts)? = object["ts"],
        let time = Timestamp.parseRFC3339(ts)
      else { return }
      let input = String(message.topic.split(separator: "/").last ?? "")
      for key in ["defrost", "door_open"] {
        if case .bool(let on)? = object[key] {
          states.withLock { $0[input, default: [:]][Int64(seq)] = (time, on) }
        }
      }
    }

    /// The spans during which `input` reported `true`, from its first `true` to its next `false`.
    func spans(_ input: String) -> [ClosedRange<Timestamp>] {
      let samples = states.withLock { $0[input] ?? [:] }.sorted { $0.key < $1.key }.map(\.value)
      return RoomSignalLockstepTests.spans(samples.map { ($0.time, $0.on) })
    }
  }

  static func spans(_ samples: [(Timestamp, Bool)]) -> [ClosedRange<Timestamp>] {
    var result: [ClosedRange<Timestamp>] = []
    var began: Timestamp?
    for (time, on) in samples {
      if on, began == nil { began = time }
      if !on, let start = began {
        result.append(start...time)
        began = nil
      }
    }
    return result
  }

  @Test("the agent's defrost spans match the scenario's four defrosts within two sample intervals; the door stays shut")
  func defrostSpansMatchTheScenario() throws {
    let scenario = try ScenarioFile.load(ScenarioTests.path("defrost"))
    var truth: [(Timestamp, Bool)] = []
    scenario.play { snapshot, _ in truth.append((snapshot.time, snapshot.defrosting)) }
    let expected = Self.spans(truth)
    #expect(expected.count == 4)

    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let published = Published()
    var options = ClientOptions(clientID: "signal-watcher", broker: try BrokerAddress(url: broker.url))
    options.protocolVersion = .v311
    let subscriber = try MosquittoClient(options: options, onMessage: published.receive)
    try subscriber.subscribe(Topics.readingFilter)
    subscriber.start()
    defer { subscriber.stop() }
    #expect(eventually { subscriber.isSubscribed })

    let facility = try Facility(broker: broker)
    let port = try #require(FreePort.find())
    // A few seconds ahead, so both processes are up before the first event time is played.
    let anchor = WallClock.now().adding(seconds: 4).rfc3339
    let simulator = try ChildProcess(
      name: "sim", executable: Executables.product("coldtrace-sim").path,
      arguments: [
        "run", "--scenario", ScenarioTests.path("defrost"), "--speed", "\(Self.speed)", "--anchor", anchor,
        "--modbus-port", "\(port)", "--csv",
      ],
      log: facility.directory.appendingPathComponent("sim.log").path)
    defer { simulator.stop() }
    let modbus = "driver = \"modbus\"\ntransport = \"tcp\"\nhost = \"127.0.0.1\"\nport = \(port)\npoll_seconds = 0.2\n"
    let inputs = """
      [[input]]
      id = "cold2-defrost"
      room = "cold2"
      signal = "defrost"
      \(modbus)coil = 0

      [[input]]
      id = "cold2-door"
      room = "cold2"
      signal = "door"
      \(modbus)discrete_input = 1
      """
    // One round a minute of event time, up to the last minute the simulator plays.
    let rounds = Int(scenario.durationSeconds / Self.interval)
    let agent = try facility.startAgent(
      samples: rounds, interval: Self.interval, acknowledgementTimeout: 86_400, sensorTables: inputs,
      arguments: [
        "--start", scenario.start.rfc3339, "--speed", "\(Self.speed)", "--anchor", anchor, "--drain-seconds", "0",
      ])
    defer { agent.stop() }
    #expect(agent.wait(seconds: 300), "the agent did not finish; see \(facility.agentLog().path)")
    #expect(agent.exitStatus == 0)
    #expect(eventually(timeout: 10) { published.states.withLock { $0["cold2-defrost"]?.count ?? 0 } >= rounds })

    let measured = published.spans("cold2-defrost")
    #expect(measured.count == expected.count, "\(measured) vs \(expected)")
    // Within one sample interval, plus one for the machine: at 1440× a 42 ms scheduling delay of the agent's poll
    // (the test processes share the cores) is a whole minute of event time.
    let tolerance = 2 * Self.interval
    for (got, want) in zip(measured, expected) {
      #expect(abs(got.lowerBound.seconds(since: want.lowerBound)) <= tolerance, "start \(got) vs \(want)")
      #expect(abs(got.upperBound.seconds(since: want.upperBound)) <= tolerance, "end \(got) vs \(want)")
    }
    let door = published.states.withLock { $0["cold2-door"] ?? [:] }
    #expect(door.count >= rounds)
    #expect(door.values.allSatisfy { !$0.on })
  }
}
