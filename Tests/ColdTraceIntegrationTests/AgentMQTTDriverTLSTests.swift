import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The agent's `mqtt` driver reading a site broker over TLS (`mqtts://` and `[mqtt_source.tls]`), with real
/// processes: a Zigbee2MQTT-shaped publisher → site mosquitto (TLS listener) → `coldtrace-agent` → central mosquitto
/// → `coldtrace collect`.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AgentMQTTDriverTLSTests {
  @Test func theDriverReadsASiteBrokerOverTLSAndRefusesOneItsCADidNotSign() throws {
    let directory = try TemporaryDirectory.make(prefix: "site-tls")
    chmod(directory.path, 0o755)
    let certificates = try TestCertificates(in: directory)
    let otherCA = try certificates.unrelatedCA()
    guard let tlsPort = FreePort.find() else { throw TestSupportError("no free port") }
    let site = try MosquittoBroker(
      extraConfig: """
        listener \(tlsPort) 127.0.0.1
        cafile \(certificates.caCertificate)
        certfile \(certificates.serverCertificate)
        keyfile \(certificates.serverKey)

        """)
    defer { site.stop() }
    #expect(FreePort.waitUntilListening(port: tlsPort, timeout: 10))
    let central = try MosquittoBroker()
    defer { central.stop() }
    let facility = try Facility(broker: central)
    try facility.startCollector()
    defer { facility.stopCollector() }
    func tables(ca: String) -> String {
      """
      [[mqtt_source]]
      id = "z2m"
      broker = "mqtts://127.0.0.1:\(tlsPort)"
      preset = "zigbee2mqtt"
      topic = "zigbee2mqtt/{room}-{sensor}"
      time = "payload"

      [mqtt_source.tls]
      ca_file = "\(ca)"
      """
    }
    // An agent given another CA: the site broker's certificate is refused, said in its log, nothing subscribed.
    let refused = try facility.startAgent(agent: "hx-edge-2", sensorTables: tables(ca: otherCA))
    let refusedLog = facility.agentLog("hx-edge-2")
    #expect(
      eventually(timeout: 20) {
        ((try? String(contentsOf: refusedLog, encoding: .utf8)) ?? "").contains("mqtt driver: mqtts://127.0.0.1")
      }, "no TLS failure logged")
    refused.stop()
    #expect(!((try? String(contentsOf: refusedLog, encoding: .utf8)) ?? "").contains("mqtt driver: subscribed"))

    let agent = try facility.startAgent(interval: 5, sensorTables: tables(ca: certificates.caCertificate))
    defer { agent.stop() }
    let agentLog = facility.agentLog()
    #expect(
      eventually(timeout: 20) {
        ((try? String(contentsOf: agentLog, encoding: .utf8)) ?? "").contains(
          "mqtt driver: subscribed to zigbee2mqtt/+ on mqtts://127.0.0.1:\(tlsPort)")
      }, "the agent did not subscribe to the site broker over TLS")
    let publisher = try MosquittoClient(
      options: ClientOptions(clientID: "zigbee2mqtt-bridge", broker: try BrokerAddress(url: site.url)))
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })
    let seen = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
    for (index, temperature) in [3.1, 3.2, 3.3].enumerated() {
      let payload = #"{"temperature":\#(temperature),"last_seen":\#(seen + Int64(index) * 1000)}"#
      try publisher.publish(topic: "zigbee2mqtt/cold2-snzb1", payload: Array(payload.utf8))
    }
    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually(timeout: 20) { ((try? store.counts().readings) ?? 0) == 3 })
    let stored = try store.readings(ReadingFilter())
    #expect(stored.map(\.sample.tempC) == [3.1, 3.2, 3.3] && stored.compactMap(\.sample.seq) == [1, 2, 3])
    #expect(stored.allSatisfy { $0.key == SensorKey(site: "hongxuan", room: "cold2", sensor: "snzb1") })
  }
}
