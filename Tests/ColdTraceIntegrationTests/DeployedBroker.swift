import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A real mosquitto running a test copy of `deploy/mosquitto/coldtrace.conf` and the real `coldtrace.acl`, with a PKI
/// made by `deploy/mosquitto/make-certs.sh`, site accounts added by `add-site.sh`, on free loopback ports.
final class DeployedBroker {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let deployDirectory = repository.appendingPathComponent("deploy/mosquitto")
  static let passwords = ["collector": "c0llect", "hongxuan": "hx-s3cret", "dongtien": "dt-s3cret"]

  let broker: MosquittoBroker
  let directory: URL
  let tlsPort: Int
  let loopbackPort: Int
  /// ColdTrace's PKI (ca.crt, broker.*, collector.*, hongxuan.*, dongtien.*).
  let pki: URL
  /// Another CA's PKI with the same names: its certificates must be refused.
  let foreignPKI: URL

  init() throws {
    directory = try TemporaryDirectory.make(prefix: "deployed-broker")
    chmod(directory.path, 0o755)
    pki = directory.appendingPathComponent("pki")
    foreignPKI = directory.appendingPathComponent("foreign-pki")
    let environment = ["KEY_BITS": "2048", "DAYS": "2"]
    try Self.script("make-certs.sh", [pki.path, "127.0.0.1", "localhost"], environment: environment)
    try Self.script("make-certs.sh", [foreignPKI.path, "--site", "hongxuan", "127.0.0.1"], environment: environment)
    let passwordFile = directory.appendingPathComponent("coldtrace.passwd").path
    for site in ["hongxuan", "dongtien"] {
      try Self.script(
        "add-site.sh", [site, "--pki", pki.path, "--passwd", passwordFile, "--no-reload"],
        environment: environment.merging(["PASSWORD": Self.passwords[site]!]) { $1 })
    }
    let passwd = try #require(ChildProcess.system("mosquitto_passwd"))
    let made = try Executables.run(
      URL(fileURLWithPath: passwd), ["-b", passwordFile, "collector", Self.passwords["collector"]!])
    guard made.status == 0 else { throw TestSupportError("mosquitto_passwd: \(made.stderr)") }

    guard let tlsPort = FreePort.find(), let loopbackPort = FreePort.find(), tlsPort != loopbackPort else {
      throw TestSupportError("no free loopback ports")
    }
    self.tlsPort = tlsPort
    self.loopbackPort = loopbackPort
    let config = try Self.testCopy(
      of: String(contentsOf: Self.deployDirectory.appendingPathComponent("coldtrace.conf"), encoding: .utf8),
      replacing: [
        "listener 8883\n": "listener \(tlsPort) 127.0.0.1\n",
        "listener 1883 127.0.0.1\n": "listener \(loopbackPort) 127.0.0.1\n",
        "/etc/mosquitto/ca_certificates/coldtrace-ca.crt": pki.appendingPathComponent("ca.crt").path,
        "/etc/mosquitto/certs/coldtrace-broker.crt": pki.appendingPathComponent("broker.crt").path,
        "/etc/mosquitto/certs/coldtrace-broker.key": pki.appendingPathComponent("broker.key").path,
        "/etc/mosquitto/coldtrace.passwd": passwordFile,
        "/etc/mosquitto/coldtrace.acl": Self.deployDirectory.appendingPathComponent("coldtrace.acl").path,
      ])
    broker = try MosquittoBroker(persistence: true, extraConfig: config, anonymousListener: false, port: tlsPort)
    guard FreePort.waitUntilListening(port: loopbackPort, timeout: 10) else {
      throw TestSupportError("the loopback listener is not up; see \(broker.logFile.path)")
    }
  }

  deinit { broker.stop() }

  /// The deployed configuration with its ports and paths swapped for the test's; every swap must find its text.
  static func testCopy(of config: String, replacing swaps: [String: String]) throws -> String {
    var copy = config
    for (original, replacement) in swaps {
      guard copy.contains(original) else { throw TestSupportError("coldtrace.conf no longer contains \(original)") }
      copy = copy.replacingOccurrences(of: original, with: replacement)
    }
    return copy
  }

  @discardableResult
  static func script(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let result = try Executables.run(
      URL(fileURLWithPath: "/bin/bash"), [deployDirectory.appendingPathComponent(name).path] + arguments,
      environment: environment)
    guard result.status == 0 else { throw TestSupportError("\(name) failed (\(result.status)): \(result.stderr)") }
    return result.stdout
  }

  func tlsURL(user: String?, password: String? = nil) -> String {
    guard let user else { return "mqtts://127.0.0.1:\(tlsPort)" }
    return "mqtts://\(user):\(password ?? Self.passwords[user] ?? "")@127.0.0.1:\(tlsPort)"
  }

  /// Client certificate options for `name` from ColdTrace's PKI, or from the foreign CA's.
  func tls(_ name: String?, foreign: Bool = false) -> ClientOptions.TLS {
    let certificates = foreign ? foreignPKI : pki
    return ClientOptions.TLS(
      caFile: pki.appendingPathComponent("ca.crt").path,
      certFile: name.map { certificates.appendingPathComponent("\($0).crt").path },
      keyFile: name.map { certificates.appendingPathComponent("\($0).key").path })
  }

  /// A TOML `[tls]` table with `name`'s certificate.
  func tlsTable(_ name: String) -> String {
    let tls = tls(name)
    return """
      [tls]
      ca_file = "\(tls.caFile ?? "")"
      cert_file = "\(tls.certFile ?? "")"
      key_file = "\(tls.keyFile ?? "")"

      """
  }

  /// Starts an MQTT 5 client that records what happens to it; the caller stops it.
  func client(url: String, tls: ClientOptions.TLS?, subscribe filters: [String] = []) throws -> RecordingClient {
    let recorder = RecordingClient.Recorder()
    var options = ClientOptions(clientID: "sec-\(UUID().uuidString.prefix(8))", broker: try BrokerAddress(url: url))
    options.tls = tls
    options.reconnectDelayMin = 0.2
    options.reconnectDelayMax = 0.5
    let client = try MosquittoClient(
      options: options, onMessage: { recorder.record(topic: $0.topic) }, onEvent: { recorder.record(event: $0) })
    for filter in filters { try client.subscribe(filter) }
    client.start()
    return RecordingClient(client: client, recorder: recorder)
  }
}

/// A client and what it saw: connection events, received topics, publish outcomes.
struct RecordingClient {
  final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recordedEvents: [ConnectionEvent] = []
    private var recordedTopics: [String] = []
    private var recordedOutcomes: [String: PublishOutcome] = [:]
    func record(event: ConnectionEvent) { lock.withLock { recordedEvents.append(event) } }
    func record(topic: String) { lock.withLock { recordedTopics.append(topic) } }
    func record(outcome: PublishOutcome, of topic: String) { lock.withLock { recordedOutcomes[topic] = outcome } }
    var events: [ConnectionEvent] { lock.withLock { recordedEvents } }
    var topics: [String] { lock.withLock { recordedTopics } }
    var outcomes: [String: PublishOutcome] { lock.withLock { recordedOutcomes } }
  }

  let client: MosquittoClient
  let recorder: Recorder

  func publish(_ topic: String, _ text: String = "{}") throws {
    let recorder = recorder
    try client.publish(topic: topic, payload: Array(text.utf8)) { recorder.record(outcome: $0, of: topic) }
  }

  var wasRefused: Bool { recorder.events.contains { if case .refused = $0 { true } else { false } } }
  var failures: [String] {
    recorder.events.compactMap { if case .failed(let reason, _) = $0 { reason } else { nil } }
  }
}
