import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A site broker as `deploy/install.sh --site-broker` configures one (the configuration written by
/// `deploy/mosquitto/make-site-broker.sh`), bridged as the site's account, over TLS, to a `DeployedBroker` (the
/// central broker, with the real ACL) through a `LoopbackProxy`: the uplink the test can cut.
final class BridgedSite {
  let site: String
  let centre: DeployedBroker
  let uplink: LoopbackProxy
  let broker: MosquittoBroker

  var url: String { broker.url }

  init(_ site: String, centre: DeployedBroker, forwarding prefixes: [String] = []) throws {
    self.site = site
    self.centre = centre
    uplink = try LoopbackProxy(targetPort: centre.tlsPort)
    let directory = try TemporaryDirectory.make(prefix: "site-broker")
    let passwordFile = directory.appendingPathComponent("\(site).password")
    try "\(DeployedBroker.passwords[site] ?? "")\n".write(to: passwordFile, atomically: true, encoding: .utf8)
    guard let port = FreePort.find() else { throw TestSupportError("no free loopback port for the site broker") }
    let pki = centre.pki
    let config = try DeployedBroker.script(
      "make-site-broker.sh",
      [
        site, "--centre", "127.0.0.1:\(uplink.port)", "--ca", pki.appendingPathComponent("ca.crt").path,
        "--cert", pki.appendingPathComponent("\(site).crt").path,
        "--key", pki.appendingPathComponent("\(site).key").path, "--password-file", passwordFile.path,
        "--listen", "127.0.0.1:\(port)", "--autosave", "1",
      ] + prefixes.flatMap { ["--forward", $0] })
    broker = try MosquittoBroker(persistence: true, extraConfig: config, anonymousListener: false, port: port)
  }

  deinit { stop() }

  func stop() {
    broker.stop()
    uplink.stop()
  }

  /// A client of the site broker (a Zigbee2MQTT, a dashboard) that records what it receives and its publishes'
  /// outcomes; the caller stops it.
  func client(id: String, subscribe filters: [String] = []) throws -> SiteClient {
    let recorder = SiteClient.Recorder()
    var options = ClientOptions(clientID: id, broker: try BrokerAddress(url: broker.url))
    options.reconnectDelayMin = 0.2
    options.reconnectDelayMax = 0.5
    let client = try MosquittoClient(
      options: options, onMessage: { recorder.received($0.topic, Array($0.payload)) }, onEvent: { _ in })
    for filter in filters { try client.subscribe(filter) }
    client.start()
    return SiteClient(client: client, recorder: recorder)
  }
}

/// A QoS 1 client of a site broker and what happened to it.
struct SiteClient {
  final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [(topic: String, payload: String)] = []
    private var accepted = 0
    private var failed = 0
    func received(_ topic: String, _ payload: [UInt8]) {
      lock.withLock { messages.append((topic, String(decoding: payload, as: UTF8.self))) }
    }
    func finished(_ outcome: PublishOutcome) {
      lock.withLock { if outcome == .accepted { accepted += 1 } else { failed += 1 } }
    }
    var topics: [String] { lock.withLock { messages.map(\.topic) } }
    func payloads(on topic: String) -> [String] {
      lock.withLock { messages.filter { $0.topic == topic }.map(\.payload) }
    }
    var acceptedCount: Int { lock.withLock { accepted } }
    var failedCount: Int { lock.withLock { failed } }
  }

  let client: MosquittoClient
  let recorder: Recorder

  func publish(_ topic: String, _ text: String) throws {
    let recorder = recorder
    try client.publish(topic: topic, payload: Array(text.utf8)) { recorder.finished($0) }
  }
}
