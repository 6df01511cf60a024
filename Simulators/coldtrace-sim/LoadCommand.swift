import ArgumentParser
import ColdRoomSimulation
import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import Synchronization

/// `coldtrace-sim load`: publishes reading payloads (docs/protocol.md) at QoS 1 from many simulated sensors, for
/// benchmarks and loss accounting.
struct LoadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "load",
    abstract: "Publish readings from N sites × M sensors at QoS 1 and report what was sent and acknowledged.",
    discussion: """
      Sites are sim-site-01.., each with one room (room-1) and sensors probe-001..; each site is one agent \
      (sim-agent-01..). Every sensor's seq starts at 1 and rises by one per sample. --rate is samples per second per \
      sensor; --batch K sends K consecutive samples of a sensor as one `samples` payload. Output lines are \
      key=value: one `sensor` line per sensor (its topic and seq range), then the totals. Exit status 1 when the \
      broker did not acknowledge every message.
      For alert latency: --event-step S spaces samples S seconds apart in event time, ending now (fast-forwarded \
      history); --excursion-every N makes the second half of every N samples of a sensor read 9 °C, so alerts open \
      and resolve; --publish-log writes `topic seq ts_ms sent_us` for every sample (wall clock, microseconds); \
      --announce-outbox makes the collector treat the simulated agents as outbox-keeping agents (group commit).
      Examples:
        coldtrace-sim load --broker mqtt://127.0.0.1:1883 --sites 2 --sensors 5 --rate 2 --duration 10 --batch 4
        coldtrace-sim load --broker mqtt://127.0.0.1:1883 --sensors 20 --rate 100 --duration 20 --event-step 60 \
          --excursion-every 40 --publish-log sent.txt
      """
  )

  @Option(help: ArgumentHelp("Broker, mqtt://[user[:password]@]host[:port].", valueName: "url"))
  var broker: String

  @Option(help: "Number of sites (agents).") var sites = 1
  @Option(help: "Sensors per site.") var sensors = 1
  @Option(help: ArgumentHelp("Samples per second per sensor.", valueName: "r")) var rate = 1.0
  @Option(help: ArgumentHelp("Seconds of load.", valueName: "s")) var duration = 10.0
  @Option(help: ArgumentHelp("Samples per payload (1: single-sample payloads).", valueName: "k")) var batch = 1
  @Option(help: "Seed for the values.") var seed: UInt64 = 1
  @Option(help: ArgumentHelp("Event-time seconds between a sensor's samples (default 1/rate).", valueName: "s"))
  var eventStep: Double?
  @Option(help: ArgumentHelp("A warm excursion in the second half of every N samples.", valueName: "N"))
  var excursionEvery: Int?
  @Option(help: ArgumentHelp("Write each sample's topic, seq, ts and send time here.", valueName: "path"))
  var publishLog: String?
  @Flag(
    help: """
      Announce each simulated agent online with a durable outbox (retained status, as coldtrace-agent does), so \
      the collector batches its readings as it batches real agents'. The load generator keeps no outbox: use it \
      for throughput runs, not where the collector may be killed.
      """)
  var announceOutbox = false
  @Option(
    help: ArgumentHelp(
      "Carry this incarnation (`inc`) in every payload, as coldtrace-agent does (default: none).", valueName: "inc"))
  var incarnation: String?

  func validate() throws {
    guard (1...99).contains(sites) else { throw ValidationError("--sites must be within 1–99") }
    guard (1...999).contains(sensors) else { throw ValidationError("--sensors must be within 1–999") }
    guard rate > 0, rate <= 10_000 else { throw ValidationError("--rate must be within (0, 10000]") }
    guard duration > 0 else { throw ValidationError("--duration must be positive") }
    guard (1...1000).contains(batch) else { throw ValidationError("--batch must be within 1–1000") }
    if let eventStep, !(eventStep > 0) { throw ValidationError("--event-step must be positive") }
    if let excursionEvery, excursionEvery < 2 { throw ValidationError("--excursion-every must be at least 2") }
    if let problem = incarnation.flatMap(Incarnation.problem) { throw ValidationError("--incarnation: \(problem)") }
  }

  func run() throws {
    let address: BrokerAddress
    do { address = try BrokerAddress(url: broker) } catch { throw UsageError("--broker: \(error)") }
    let counts = Mutex(LoadCounts())
    let client = try connect(address)
    defer { client.stop() }
    let plan = LoadPlan(sites: sites, sensors: sensors)
    if announceOutbox {
      for agent in Set(plan.sensors.map(\.agent)).sorted() {
        let site = plan.sensors.first { $0.agent == agent }!.key.site
        let status = StatusMessage(
          state: StatusMessage.online, sender: .agent(agent), version: "sim", ts: WallClock.now(),
          outbox: .init(pending: 0, dropped: 0)
        ).encode()
        try client.publish(topic: Topics.status(site: site, agent: agent), payload: Array(status.utf8), retain: true)
      }
    }
    let samplesPerSensor = max(1, Int((duration * rate).rounded()))
    let step = eventStep ?? 1 / rate
    // Fast-forwarded history ends now, so no timestamp runs ahead of the collector's clock.
    let start =
      eventStep == nil ? WallClock.now() : WallClock.now().adding(seconds: -Double(samplesPerSensor - 1) * step)
    let trace = LoadTrace(start: start, stepSeconds: step, excursionEvery: excursionEvery)
    var sent: [String] = []
    let began = Date()
    var random = SplitMix64(seed: seed)
    var next = 0
    while next < samplesPerSensor {
      let count = min(batch, samplesPerSensor - next)
      let due = Double(next + count - 1) / rate
      let wait = due - Date().timeIntervalSince(began)
      if wait > 0 { Thread.sleep(forTimeInterval: wait) }
      for (agent, key) in plan.sensors {
        let samples = (next..<(next + count)).map { trace.sample($0, random: &random) }
        let payload =
          count == 1 && batch == 1
          ? ReadingEncoder.encode(agent: agent, sample: samples[0], incarnation: incarnation)
          : ReadingEncoder.encodeBatch(agent: agent, samples: samples, incarnation: incarnation)
        counts.withLock {
          $0.messages += 1
          $0.samples += count
        }
        let topic = Topics.reading(key)
        if publishLog != nil {
          let sentMicros = Int64(Date().timeIntervalSince1970 * 1_000_000)
          for sample in samples { sent.append("\(topic) \(sample.seq ?? 0) \(sample.ts.milliseconds) \(sentMicros)") }
        }
        try client.publish(topic: topic, payload: Array(payload.utf8)) { outcome in
          counts.withLock { counts in
            if outcome == .accepted { counts.acknowledged += 1 } else { counts.failed += 1 }
          }
        }
      }
      next += count
    }
    if let publishLog {
      do {
        try (sent.joined(separator: "\n") + "\n").write(toFile: publishLog, atomically: true, encoding: .utf8)
      } catch {
        throw LoadError("cannot write --publish-log \(publishLog): \(error)")
      }
    }
    let deadline = Date().addingTimeInterval(30)
    while client.unacknowledgedCount > 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    let final = counts.withLock { $0 }
    for (agent, key) in plan.sensors {
      print("sensor topic=\(Topics.reading(key)) agent=\(agent) seq_first=1 seq_last=\(samplesPerSensor)")
    }
    print(
      "sent messages=\(final.messages) samples=\(final.samples) sensors=\(plan.sensors.count) "
        + "acknowledged=\(final.acknowledged) failed=\(final.failed) "
        + "unacknowledged=\(final.messages - final.acknowledged - final.failed)")
    if final.acknowledged < final.messages { throw ExitCode(1) }
  }

  private func connect(_ address: BrokerAddress) throws -> MosquittoClient {
    let options = ClientOptions(clientID: "coldtrace-sim-load-\(getpid())", broker: address)
    let client = try MosquittoClient(options: options)
    client.start()
    let deadline = Date().addingTimeInterval(10)
    while !client.isConnected, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    guard client.isConnected else {
      client.stop()
      throw LoadError("cannot connect to \(address) within 10 s; is the broker running?")
    }
    return client
  }
}

/// Which sensors a load run publishes for, with the agent that owns each.
struct LoadPlan {
  let sensors: [(agent: String, key: SensorKey)]

  init(sites: Int, sensors perSite: Int) {
    var result: [(String, SensorKey)] = []
    for site in 1...sites {
      let siteName = "sim-site-" + Self.padded(site, 2)
      for sensor in 1...perSite {
        let key = SensorKey(site: siteName, room: "room-1", sensor: "probe-" + Self.padded(sensor, 3))
        result.append(("sim-agent-" + Self.padded(site, 2), key))
      }
    }
    self.sensors = result
  }

  static func padded(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
  }
}

/// Running totals of a load run, updated from the MQTT network thread.
struct LoadCounts: Sendable {
  var messages = 0
  var samples = 0
  var acknowledged = 0
  var failed = 0
}

/// A load run that could not proceed.
struct LoadError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
