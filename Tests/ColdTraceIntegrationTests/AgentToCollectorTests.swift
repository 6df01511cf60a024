import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// agent → broker → collector → stored reading and alert, all real processes on a loopback broker.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AgentToCollectorTests {
  @Test func aDoorLeftOpenRaisesAndResolvesOneCriticalAlert() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let alertTopic = AlertWatcher()
    let watcher = try alertTopic.connect(to: broker)
    defer { watcher.stop() }

    // A litchi lot in the room since before the played hour and a half: the alert must name it.
    let lot = try facility.shell([
      "lot", "add", "LT-2026-0612", "--product", "litchi", "--room", "hongxuan/cold2",
      "--at", "2h",
    ])
    #expect(lot.status == 0, "\(lot.stderr)")
    // 90 minutes of room time at 30 s, played 1200× faster: the door stays open from minute 10 to minute 40.
    let agent = try facility.startAgent(
      samples: 180, catchUpMinutes: 90, speed: 1200, doorOpenAtMinute: 10, doorOpenMinutes: 30)
    #expect(agent.wait(seconds: 60), "agent did not finish")
    #expect(agent.exitStatus == 0)

    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually { (try? store.counts().readings) == 180 })
    let readings = try store.readings(ReadingFilter())
    #expect(readings.map { $0.sample.seq } == (1...180).map { Int64($0) })
    #expect(readings.allSatisfy { $0.key == SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-air") })
    #expect(readings.allSatisfy { $0.agent == "hx-edge-1" })

    let alerts = try store.alerts(AlertFilter())
    #expect(alerts.count == 1)
    let alert = try #require(alerts.first)
    #expect(alert.kind == .tempHigh)
    #expect(alert.lots == ["LT-2026-0612"])
    #expect(alert.product == "litchi")
    #expect(alert.state == .resolved)
    #expect(alert.severity == .critical)
    #expect((alert.peak ?? 0) > 8)
    // The door warms the air past 8 °C long before litchi's 45-minute warning delay runs out: the alert opens
    // critical 10 min after the first reading above 8 °C; it resolves on the first reading ≤ 4.5 °C.
    let firstAbove = try #require(readings.first { ($0.sample.tempC ?? 0) > 8 })
    #expect(alert.openedAt.seconds(since: firstAbove.sample.ts) >= 10 * 60)
    #expect(alert.openedAt.seconds(since: firstAbove.sample.ts) < 10 * 60 + 30)
    let resolvedAt = try #require(alert.resolvedAt)
    let firstBack = try #require(
      readings.first { $0.sample.ts > alert.openedAt && ($0.sample.tempC ?? 99) <= 4.5 })
    #expect(resolvedAt == firstBack.sample.ts)

    // The journal has the configuration the collector started with, the lot's arrival, then opened and resolved,
    // one line each, in order; the alert topic carried the alert lines.
    let journal = try String(contentsOfFile: facility.journal, encoding: .utf8).split(separator: "\n")
    #expect(journal.map { eventName($0) } == ["config_changed", "lot_added", "opened", "resolved"])
    #expect(eventually { alertTopic.lines.count == 2 })
    #expect(alertTopic.lines == journal.dropFirst(2).map(String.init))
    let verified = try facility.shell(["journal", "verify"])
    #expect(verified.status == 0 && verified.stdout.hasPrefix("ok: 4 lines chained"), "\(verified.stderr)")

    // The shell shows it.
    let shell = try facility.shell(["alerts", "--json", "--state", "resolved"])
    #expect(shell.status == 0)
    #expect(shell.stdout.split(separator: "\n").count == 1)
    #expect(shell.stdout.contains("\"kind\":\"temp_high\""))
  }

  @Test func agentStatusIsRetainedOnlineAndItsWillSaysOffline() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    let agent = try facility.startAgent(interval: 1)
    defer { agent.stop() }
    let statusTopic = "coldtrace/v1/status/hongxuan/hx-edge-1"
    #expect(eventually { retained(statusTopic, broker)?.contains("\"state\":\"online\"") == true })
    agent.kill()
    #expect(eventually { retained(statusTopic, broker)?.contains("\"state\":\"offline\"") == true })
  }

  @Test func sequenceNumbersSurviveAnAgentRestart() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    for _ in 0..<2 {
      let agent = try facility.startAgent(samples: 5, catchUpMinutes: 10, speed: 600)
      #expect(agent.wait(seconds: 30))
    }
    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually { (try? store.counts().readings) == 10 })
    #expect(try store.readings(ReadingFilter()).compactMap(\.sample.seq).sorted() == (1...10).map { Int64($0) })
  }
}

private func eventName(_ line: Substring) -> String? {
  guard case .object(let object)? = try? JSONParser.parse(String(line)), case .string(let name)? = object["event"]
  else { return nil }
  return name
}

/// The retained message on `topic`, read with `mosquitto_sub` (a client nobody here wrote).
func retained(_ topic: String, _ broker: MosquittoBroker) -> String? {
  guard let sub = ChildProcess.system("mosquitto_sub"),
    let result = try? Executables.run(
      URL(fileURLWithPath: sub), ["-p", String(broker.port), "-h", "127.0.0.1", "-t", topic, "-C", "1", "-W", "2"])
  else { return nil }
  return result.status == 0 ? result.stdout : nil
}

/// Collects the alert topic's lines.
final class AlertWatcher: @unchecked Sendable {
  private let lock = NSLock()
  private var received: [String] = []

  var lines: [String] { lock.withLock { received } }

  func connect(to broker: MosquittoBroker) throws -> MosquittoClient {
    let client = try MosquittoClient(
      options: ClientOptions(clientID: "alert-watcher", broker: try BrokerAddress(url: broker.url)),
      onMessage: { [self] message in
        let line = String(decoding: message.payload, as: UTF8.self)
        lock.withLock { received.append(line) }
      })
    try client.subscribe("coldtrace/v1/alert/#")
    client.start()
    _ = eventually { client.isSubscribed }
    return client
  }
}
