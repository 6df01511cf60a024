import ColdTraceConfig
import ColdTraceCore
import Testing

@testable import ColdTraceAgent

/// An `mqtts://` site broker for the `mqtt` driver: `[mqtt_source.tls]` as the uplink's `[tls]`.
@Suite("Agent mqtt driver over TLS")
struct MQTTSourceTLSTests {
  static func source(_ id: String, ca: String?) -> String {
    """
    [[mqtt_source]]
    id = "\(id)"
    broker = "mqtts://zigbee:secret@192.168.1.10:8883"
    preset = "zigbee2mqtt"
    topic = "zigbee2mqtt/\(id)-{sensor}"
    room = "cold2"
    time = "payload"
    \(ca.map { "[mqtt_source.tls]\nca_file = \"\($0)\"\ncert_file = \"/etc/coldtrace/edge.crt\"\nkey_file = \"/etc/coldtrace/edge.key\"" } ?? "")

    """
  }

  @Test("an mqtts:// site broker takes the table's certificates, else the system's CA directory")
  func loads() throws {
    let config = try MQTTDriverTests.load(Self.source("a", ca: "/etc/coldtrace/site-ca.crt"))
    let source = try #require(config.mqttSources.first)
    #expect(source.broker.usesTLS && source.broker.port == 8883)
    #expect(source.tls?.caFile == "/etc/coldtrace/site-ca.crt" && source.tls?.certFile == "/etc/coldtrace/edge.crt")
    #expect(source.tls?.keyFile == "/etc/coldtrace/edge.key")
    let system = try #require(try MQTTDriverTests.load(Self.source("a", ca: nil)).mqttSources.first)
    #expect(system.tls?.caFile == nil && system.tls?.caPath == "/etc/ssl/certs")
  }

  @Test("two sources on one broker must agree on its certificates; unknown tls keys are refused")
  func refusals() throws {
    let mixed = try #require(
      MQTTDriverTests.loadError(Self.source("a", ca: "/etc/one.crt") + Self.source("b", ca: "/etc/two.crt")))
    #expect(mixed.contains("mqtt_source[2].tls") && mixed.contains("same broker"), "\(mixed)")
    #expect(
      MQTTDriverTests.loadError(Self.source("a", ca: "/etc/one.crt") + Self.source("b", ca: "/etc/one.crt")) == nil)
    let unknown = try #require(
      MQTTDriverTests.loadError(Self.source("a", ca: nil) + "[mqtt_source.tls]\npassword = \"x\"\n"))
    #expect(unknown.contains("password"), "\(unknown)")
  }
}
