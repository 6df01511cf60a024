import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A TLS handshake that fails says why, with what to do: a real mosquitto serving a certificate for another name, one
/// that expired (made under `faketime`), and one the client's CA did not sign. libmosquitto alone says only
/// "A TLS error occurred.".
@Suite(.serialized, .timeLimit(.minutes(10)))
struct TLSFailureTests {
  @Test func theLogNamesTheReasonOfEachTLSFailure() throws {
    let directory = try TemporaryDirectory.make(prefix: "tls-failure")
    chmod(directory.path, 0o755)
    let good = try TestCertificates(in: directory)
    let elsewhere = try good.issueServerCertificate("elsewhere", subjectAltName: "DNS:broker.elsewhere.example")
    let expired = try good.issueServerCertificate("expired", issuedAt: "2020-01-01 00:00:00", days: 30)
    let unknownCA = try good.unrelatedCA()

    var ports: [String: Int] = [:]
    var config = ""
    for (name, certificate) in [("good", good.serverCertificate), ("elsewhere", elsewhere), ("expired", expired)] {
      guard let port = FreePort.find() else { throw TestSupportError("no free port") }
      ports[name] = port
      config += "listener \(port) 127.0.0.1\ncertfile \(certificate)\nkeyfile \(good.serverKey)\n"
    }
    let broker = try MosquittoBroker(extraConfig: config)
    defer { broker.stop() }
    for port in ports.values { #expect(FreePort.waitUntilListening(port: port, timeout: 10)) }

    let cases: [(port: Int, ca: String, reason: String)] = [
      (
        ports["elsewhere"]!, good.caCertificate,
        "certificate does not name host 127.0.0.1 (OpenSSL: certificate verify failed): reissue it"
      ),
      (
        ports["expired"]!, good.caCertificate,
        "certificate has expired (OpenSSL: certificate verify failed): issue a new one"
      ),
      (
        ports["good"]!, unknownCA,
        "certificate is not signed by the CA in \(unknownCA) (unknown CA) (OpenSSL: certificate verify failed)"
      ),
    ]
    for (port, ca, reason) in cases {
      let events = Events()
      var options = ClientOptions(clientID: "tls-\(port)", broker: try BrokerAddress(url: "mqtts://127.0.0.1:\(port)"))
      options.tls = ClientOptions.TLS(caFile: ca)
      options.reconnectDelayMin = 0.2
      let client = try MosquittoClient(options: options, onEvent: events.record)
      client.start()
      defer { client.stop() }
      #expect(eventually { events.texts.contains { $0.contains(reason) } }, "\(events.texts)")
      #expect(events.texts.allSatisfy { $0.contains("TLS: the broker") && !$0.contains("failed; certificate") })
      #expect(!client.isConnected)
    }

    // The right CA and the right name connect.
    var options = ClientOptions(
      clientID: "tls-good", broker: try BrokerAddress(url: "mqtts://127.0.0.1:\(ports["good"]!)"))
    options.tls = ClientOptions.TLS(caFile: good.caCertificate)
    let client = try MosquittoClient(options: options)
    client.start()
    defer { client.stop() }
    #expect(eventually { client.isConnected })
  }
}
