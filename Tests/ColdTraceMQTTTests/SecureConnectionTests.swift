import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// TLS and passwords against a real broker that requires them.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SecureConnectionTests {
  @Test func connectsOverTLSWithAPasswordAndIsRefusedWithAWrongOne() throws {
    let directory = try TemporaryDirectory.make(prefix: "tls")
    chmod(directory.path, 0o755)
    let certificates = try TestCertificates(in: directory)
    let passwords = directory.appendingPathComponent("passwd").path
    let passwd = try #require(ChildProcess.system("mosquitto_passwd"))
    let made = try Executables.run(URL(fileURLWithPath: passwd), ["-c", "-b", passwords, "hongxuan", "s3cret"])
    #expect(made.status == 0, "\(made.stderr)")
    chmod(passwords, 0o644)
    guard let tlsPort = FreePort.find() else { throw TestSupportError("no free port") }
    let broker = try MosquittoBroker(
      extraConfig: """
        listener \(tlsPort) 127.0.0.1
        allow_anonymous false
        password_file \(passwords)
        cafile \(certificates.caCertificate)
        certfile \(certificates.serverCertificate)
        keyfile \(certificates.serverKey)

        """)
    defer { broker.stop() }
    #expect(FreePort.waitUntilListening(port: tlsPort, timeout: 10))

    func client(_ url: String) throws -> (MosquittoClient, Events) {
      let events = Events()
      var options = ClientOptions(clientID: "tls-\(UUID().uuidString.prefix(6))", broker: try BrokerAddress(url: url))
      options.tls = ClientOptions.TLS(caFile: certificates.caCertificate)
      options.reconnectDelayMin = 0.2
      let client = try MosquittoClient(options: options, onEvent: events.record)
      client.start()
      return (client, events)
    }

    let (good, _) = try client("mqtts://hongxuan:s3cret@127.0.0.1:\(tlsPort)")
    defer { good.stop() }
    #expect(eventually { good.isConnected })
    let outcomes = Events()
    try good.publish(topic: "coldtrace/v1/reading/hongxuan/cold2/p1", payload: [0x7B, 0x7D]) {
      outcomes.record(text: "\($0)")
    }
    #expect(eventually { outcomes.texts == ["accepted"] })

    let (wrong, wrongEvents) = try client("mqtts://hongxuan:guess@127.0.0.1:\(tlsPort)")
    defer { wrong.stop() }
    #expect(eventually { wrongEvents.texts.contains { $0.hasPrefix("refused(") } })
    #expect(!wrong.isConnected)
  }
}

/// Connection events, recorded on the network thread and read by the test.
final class Events: @unchecked Sendable {
  private let lock = NSLock()
  private var recorded: [String] = []
  func record(_ event: ConnectionEvent) { record(text: "\(event)") }
  func record(text: String) { lock.withLock { recorded.append(text) } }
  var texts: [String] { lock.withLock { recorded } }
}
