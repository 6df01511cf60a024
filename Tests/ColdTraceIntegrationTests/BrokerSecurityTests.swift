import ColdTraceMQTT
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// deploy/mosquitto/ (configuration, ACL, certificate and account scripts) on a real broker: who gets in, who may
/// write and read what, and agent and collector end to end over TLS.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct BrokerSecurityTests {
  @Test func anonymousClientsAndWrongPasswordsAreRefused() throws {
    let deployed = try DeployedBroker()
    let anonymous = try deployed.client(url: deployed.tlsURL(user: nil), tls: deployed.tls("hongxuan"))
    defer { anonymous.client.stop() }
    let wrong = try deployed.client(
      url: deployed.tlsURL(user: "hongxuan", password: "guess"), tls: deployed.tls("hongxuan"))
    defer { wrong.client.stop() }
    // A site's password is not another site's.
    let crossed = try deployed.client(
      url: deployed.tlsURL(user: "dongtien", password: DeployedBroker.passwords["hongxuan"]),
      tls: deployed.tls("hongxuan"))
    defer { crossed.client.stop() }
    let loopbackAnonymous = try deployed.client(url: "mqtt://127.0.0.1:\(deployed.loopbackPort)", tls: nil)
    defer { loopbackAnonymous.client.stop() }
    let good = try deployed.client(url: deployed.tlsURL(user: "hongxuan"), tls: deployed.tls("hongxuan"))
    defer { good.client.stop() }

    #expect(eventually { good.client.isConnected })
    for refused in [anonymous, wrong, crossed, loopbackAnonymous] {
      #expect(eventually { refused.wasRefused }, "\(refused.recorder.events)")
      #expect(!refused.client.isConnected)
    }
  }

  @Test func clientsWithoutACertificateOrWithOneFromAnotherCAAreRefused() throws {
    let deployed = try DeployedBroker()
    let foreign = try deployed.client(
      url: deployed.tlsURL(user: "hongxuan"), tls: deployed.tls("hongxuan", foreign: true))
    defer { foreign.client.stop() }
    let none = try deployed.client(url: deployed.tlsURL(user: "hongxuan"), tls: deployed.tls(nil))
    defer { none.client.stop() }
    let good = try deployed.client(url: deployed.tlsURL(user: "hongxuan"), tls: deployed.tls("hongxuan"))
    defer { good.client.stop() }

    #expect(eventually { good.client.isConnected })
    // Both fail in the TLS handshake, again on every retry, and never connect.
    #expect(eventually { foreign.failures.count >= 2 && none.failures.count >= 2 })
    #expect(!foreign.client.isConnected && !none.client.isConnected)
    #expect(!foreign.recorder.events.contains(.connected(sessionPresent: false)))
    #expect(!none.recorder.events.contains(.connected(sessionPresent: false)))
  }

  @Test func aSiteCanWriteOnlyItsOwnReadingsAndStatusAndReadOnlyItsOwnAcks() throws {
    let deployed = try DeployedBroker()
    let collector = try deployed.client(
      url: deployed.tlsURL(user: "collector"), tls: deployed.tls("collector"),
      subscribe: ["coldtrace/v1/reading/#", "coldtrace/v1/status/#"])
    defer { collector.client.stop() }
    let hongxuan = try deployed.client(
      url: deployed.tlsURL(user: "hongxuan"), tls: deployed.tls("hongxuan"),
      subscribe: ["coldtrace/v1/ack/hongxuan/#", "coldtrace/v1/#"])
    defer { hongxuan.client.stop() }
    #expect(eventually { collector.client.isSubscribed && hongxuan.client.isSubscribed })

    // MQTT 5: the broker answers a forbidden publish with reason code 0x87 (135, not authorised). Mosquitto 2.0.11
    // then also drops the connection, so each attempt gets a client of its own.
    let forbidden = [
      "coldtrace/v1/reading/dongtien/cold1/probe-1", "coldtrace/v1/status/dongtien/dt-edge-1",
      "coldtrace/v1/ack/hongxuan/hx-edge-1", "coldtrace/v1/alert/hongxuan/cold2", "coldtrace/v1/reading/x",
    ]
    for topic in forbidden {
      let intruder = try deployed.client(url: deployed.tlsURL(user: "hongxuan"), tls: deployed.tls("hongxuan"))
      defer { intruder.client.stop() }
      #expect(eventually { intruder.client.isConnected })
      try intruder.publish(topic)
      #expect(eventually { intruder.recorder.outcomes[topic] != nil }, "\(topic)")
      guard case .refused(let code, _) = intruder.recorder.outcomes[topic] else {
        Issue.record("\(topic): \(String(describing: intruder.recorder.outcomes[topic]))")
        continue
      }
      #expect(code == 135, "\(topic)")
    }
    let allowed = ["coldtrace/v1/reading/hongxuan/cold2/probe-1", "coldtrace/v1/status/hongxuan/hx-edge-1"]
    for topic in allowed { try hongxuan.publish(topic) }
    #expect(eventually { hongxuan.recorder.outcomes.count == allowed.count })
    for topic in allowed { #expect(hongxuan.recorder.outcomes[topic] == .accepted, "\(topic)") }
    // The allowed messages were published after the forbidden ones: once they are in, nothing else is coming.
    #expect(eventually { Set(collector.recorder.topics) == Set(allowed) })
    #expect(collector.recorder.topics.count == allowed.count)

    // Acknowledgements: the collector may write them; a site reads only its own, whatever it subscribes to, and
    // none of the readings (not even its own).
    try collector.publish("coldtrace/v1/ack/dongtien/dt-edge-1", #"{"sensors":{"p":1}}"#)
    try collector.publish("coldtrace/v1/ack/hongxuan/hx-edge-1", #"{"sensors":{"p":1}}"#)
    #expect(eventually { collector.recorder.outcomes.count == 2 })
    #expect(collector.recorder.outcomes.values.allSatisfy { $0 == .accepted })
    #expect(eventually { hongxuan.recorder.topics.contains("coldtrace/v1/ack/hongxuan/hx-edge-1") })
    Thread.sleep(forTimeInterval: 0.3)
    #expect(Set(hongxuan.recorder.topics) == ["coldtrace/v1/ack/hongxuan/hx-edge-1"])

    // A site broker's link state: the site's account writes it (the bridge) and reads it (an agent on the central
    // broker holds its re-sends by it).
    let agent = try deployed.client(
      url: deployed.tlsURL(user: "hongxuan"), tls: deployed.tls("hongxuan"), subscribe: ["coldtrace/v1/bridge/hongxuan"]
    )
    defer { agent.client.stop() }
    #expect(eventually { agent.client.isSubscribed })
    try hongxuan.publish("coldtrace/v1/bridge/hongxuan", "1")
    #expect(eventually { agent.recorder.topics == ["coldtrace/v1/bridge/hongxuan"] }, "\(agent.recorder.topics)")
  }

  @Test func anAgentLoggedInAsAnotherSiteSeesItsReadingsRefused() throws {
    let deployed = try DeployedBroker()
    let facility = try Facility(broker: deployed.broker)
    // The box claims to be dongtien but holds hongxuan's account: every reading is refused with 0x87, and logged.
    let agent = try facility.startAgent(
      agent: "dt-edge-1", site: "dongtien", interval: 0.5,
      sensorTables: deployed.tlsTable("hongxuan")
        + "[[sensor]]\nid = \"cold1-air\"\nroom = \"cold1\"\ndriver = \"simulated\"\nseed = 3\n",
      arguments: ["--broker", deployed.tlsURL(user: "hongxuan")])
    defer { agent.stop() }
    let log = facility.agentLog("dt-edge-1")
    #expect(
      eventually(timeout: 20) {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "")
          .contains("broker refused a reading on coldtrace/v1/reading/dongtien/cold1/cold1-air")
      }, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
  }

  @Test func agentAndCollectorWorkEndToEndOverTLS() throws {
    let deployed = try DeployedBroker()
    let facility = try Facility(broker: deployed.broker)
    let collectorConfig = facility.directory.appendingPathComponent("collector.toml")
    try "default_product = \"litchi\"\n\n\(deployed.tlsTable("collector"))".write(
      to: collectorConfig, atomically: true, encoding: .utf8)
    try facility.startCollector(
      brokerURL: deployed.tlsURL(user: "collector"), arguments: ["--config", collectorConfig.path])
    defer { facility.stopCollector() }

    // 20 samples of 10 room minutes, played fast; with --samples the agent exits 0 only once the collector's
    // acknowledgements (back over TLS, through the ACL) have drained its outbox.
    let agent = try facility.startAgent(
      samples: 20, catchUpMinutes: 10, speed: 1200,
      sensorTables: deployed.tlsTable("hongxuan")
        + "[[sensor]]\nid = \"cold2-air\"\nroom = \"cold2\"\ndriver = \"simulated\"\nseed = 3\n",
      arguments: ["--broker", deployed.tlsURL(user: "hongxuan")])
    defer { agent.stop() }
    #expect(agent.wait(seconds: 60), "the agent did not finish")
    #expect(agent.exitStatus == 0, "\((try? String(contentsOf: facility.agentLog(), encoding: .utf8)) ?? "")")

    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually { (try? store.counts().readings) == 20 })
    let readings = try store.readings(ReadingFilter())
    #expect(readings.map { $0.sample.seq } == (1...20).map { Int64($0) })
    #expect(readings.allSatisfy { $0.agent == "hx-edge-1" && $0.key.site == "hongxuan" })
    #expect(!facility.collectorLog.contains("refused"), "\(facility.collectorLog)")
  }
}
