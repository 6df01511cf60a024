import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// Plays a scenario of `Simulators/scenarios/` with the real agent's `simulated` driver through a real mosquitto into
/// the real collector, a litchi lot in the room, optionally with the room's defrost and door published as input
/// samples the way an agent wired to the controller sends them (docs/alert-rules.md, "Defrost and doors").
struct ScenarioPlayback {
  static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Simulators/scenarios")
  static let lot = "LT-2026-0612"
  /// The input ids the feed publishes on, in room `cold2`.
  static let defrostInput = "cold2-defrost"
  static let doorInput = "cold2-door"

  let facility: Facility
  var configFile: String { facility.directory.appendingPathComponent("collector.toml").path }

  /// What a play leaves: the store once every probe reading is in, and the event time of the first sample.
  struct Played {
    let store: SQLiteStore
    let start: Timestamp
    let alerts: [AlertRecord]
    /// Event times at which an alert naming the lot became critical (opened critical or escalated), from the journal.
    let criticalTimes: [Timestamp]

    /// Minutes from the start to the first time an alert naming the lot became critical, if any.
    var firstCriticalMinutes: Double? {
      criticalTimes.map { Double($0.milliseconds - start.milliseconds) / 60_000 }.min()
    }

    /// The critical times as minutes after the start.
    var criticalMinutes: [Int] {
      criticalTimes.map { Int(Double($0.milliseconds - start.milliseconds) / 60_000) }.sorted()
    }

    var summary: String {
      alerts.map {
        "\($0.severity.rawValue) \($0.kind.rawValue) \($0.sensor) at +"
          + "\(Int(Double($0.openedAt.milliseconds - start.milliseconds) / 60_000)) min \($0.lots)"
      }.joined(separator: "; ") + "; critical at +\(criticalMinutes) min"
    }
  }

  /// Plays `scenario` (`hours`, `probes` by id, every `interval` seconds at `speed` times real time). The agent's
  /// event start is put at the UTC time of day `alignedTo` (seconds; the scenario's own start, so that defrosts,
  /// which the simulator runs at local hours, fall at the same offsets on every run). With `inputs`, a publisher
  /// sends the simulated room's defrost and door states (`inputs`) as input samples, an hour of event time ahead of the agent.
  func play(
    _ scenario: String, probes: [String], hours: Double, interval: Double, speed: Double, alignedTo: Double,
    collectorConfig: String = "", inputs: Set<RoomSignal> = []
  ) throws -> Played {
    try ("offline_after_minutes = 10080\n" + collectorConfig).write(
      toFile: configFile, atomically: true, encoding: .utf8)
    try facility.startCollector(arguments: ["--config", configFile])
    let nowSeconds = Date().timeIntervalSince1970
    var startSeconds = (nowSeconds - hours * 3600 - 600)
    startSeconds -= (startSeconds - alignedTo).truncatingRemainder(dividingBy: 86_400)
    let catchUpMinutes = (nowSeconds - startSeconds) / 60
    let estimatedStart = Timestamp(milliseconds: Int64(startSeconds * 1000))
    let lot = try facility.shell([
      "lot", "add", Self.lot, "--product", "litchi", "--room", "hongxuan/cold2", "--at",
      estimatedStart.adding(seconds: -3600).rfc3339,
    ])
    #expect(lot.status == 0, "\(lot.stderr)")
    let path = Self.scenarios.appendingPathComponent("\(scenario).toml").path
    let tables = probes.map {
      "[[sensor]]\nid = \"\($0)\"\nroom = \"cold2\"\ndriver = \"simulated\"\nscenario = \"\(path)\"\nprobe = \"\($0)\"\n"
    }.joined(separator: "\n")
    let rounds = Int(hours * 3600 / interval)
    var feed: InputFeed?
    if !inputs.isEmpty {
      feed = try InputFeed(
        broker: facility.broker, scenario: try ScenarioFile.load(path), start: estimatedStart, hours: hours,
        interval: interval, speed: speed, signals: inputs)
    }
    let agent = try facility.startAgent(
      samples: rounds, interval: interval, catchUpMinutes: catchUpMinutes, speed: speed, sensorTables: tables)
    feed?.begin()
    #expect(agent.wait(seconds: 300), "agent did not finish")
    #expect(agent.exitStatus == 0)
    feed?.finish()
    let store = try SQLiteStore(path: facility.database, create: false)
    let expected = rounds * probes.count + (feed?.published ?? 0)
    #expect(eventually(timeout: 90) { (try? store.counts().readings) == expected })
    let first = try store.readings(ReadingFilter()).filter { probes.contains($0.key.sensor) }.map(\.sample.ts).min()
    // Stopped, the collector has appended every committed line to the journal file.
    facility.stopCollector()
    let journal = (try? String(contentsOfFile: facility.journal, encoding: .utf8)) ?? ""
    let lines = journal.split(separator: "\n").map(String.init) + (try store.journalLines(after: 0).map(\.line))
    return Played(
      store: store, start: first ?? estimatedStart, alerts: try store.alerts(AlertFilter()),
      criticalTimes: Self.criticalTimes(lines))
  }

  /// The journal's opened and escalated events that are critical and name the lot.
  static func criticalTimes(_ lines: [String]) -> [Timestamp] {
    lines.compactMap { line in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let event = object["event"] as? String, event == "opened" || event == "escalated",
        object["severity"] as? String == "critical", (object["lots"] as? [String])?.contains(lot) == true,
        let at = (object["at"] as? String).flatMap(Timestamp.parseRFC3339)
      else { return nil }
      return at
    }
  }
}

/// Publishes a simulated room's defrost output and door contact as input samples (on change and at every sampling
/// interval), paced with the agent's playback and an hour of event time ahead of it.
final class InputFeed: @unchecked Sendable {
  private let client: MosquittoClient
  private let samples: [(sensor: String, sample: Sample)]
  private let eventStart: Timestamp
  private let speed: Double
  private var thread: Thread?
  private let done = DispatchSemaphore(value: 0)
  var published: Int { samples.count }

  init(
    broker: MosquittoBroker, scenario: Scenario, start: Timestamp, hours: Double, interval: Double, speed: Double,
    signals: Set<RoomSignal>
  ) throws {
    client = try MosquittoClient(
      options: ClientOptions(clientID: "inputs", broker: try BrokerAddress(url: broker.url)))
    eventStart = start
    self.speed = speed
    var room = ColdRoom(
      start: start, configuration: scenario.configuration, probes: scenario.probes, events: scenario.events,
      seed: scenario.seed)
    var samples: [(String, Sample)] = []
    var last: (defrost: Bool, door: Bool)?
    var seq: Int64 = 0
    let end = hours * 3600
    var offset = 0.0
    while offset < end {
      room.advance(to: start.adding(seconds: offset))
      let snapshot = room.snapshot
      let onInterval = offset.truncatingRemainder(dividingBy: interval) == 0
      seq += 1
      // The controller's defrost relay is off without power, whatever its schedule.
      let defrosting = snapshot.defrosting && snapshot.powered
      if signals.contains(.defrost), onInterval || last?.defrost != defrosting {
        samples.append((ScenarioPlayback.defrostInput, Sample(seq: seq, ts: snapshot.time, defrost: defrosting)))
      }
      if signals.contains(.door), onInterval || last?.door != snapshot.doorOpen {
        samples.append((ScenarioPlayback.doorInput, Sample(seq: seq, ts: snapshot.time, doorOpen: snapshot.doorOpen)))
      }
      last = (defrosting, snapshot.doorOpen)
      offset += 60
    }
    self.samples = samples
  }

  func begin() {
    client.start()
    let realStart = Date()
    let thread = Thread { [self] in
      for (sensor, sample) in samples {
        // An hour of event time ahead of the agent's playback.
        let due = (sample.ts.seconds(since: eventStart) - 3600) / speed
        let wait = due - Date().timeIntervalSince(realStart)
        if wait > 0 { usleep(UInt32(min(wait, 10) * 1_000_000)) }
        let key = SensorKey(site: "hongxuan", room: "cold2", sensor: sensor)
        let payload = Array(ReadingEncoder.encodeBatch(agent: "inputs", samples: [sample]).utf8)
        while (try? client.publish(topic: Topics.reading(key), payload: payload)) == nil { usleep(10_000) }
      }
      done.signal()
    }
    self.thread = thread
    thread.start()
  }

  func finish() {
    done.wait()
    client.stop()
  }
}
