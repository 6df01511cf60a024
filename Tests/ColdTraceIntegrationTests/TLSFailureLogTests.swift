import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The real `coldtrace collect` and `coldtrace-agent run`, pointed at a broker whose certificate names another host,
/// log the reason and the fix, not only "A TLS error occurred.".
@Suite(.serialized, .timeLimit(.minutes(10)))
struct TLSFailureLogTests {
  @Test func agentAndCollectorLogThatTheBrokersCertificateNamesAnotherHost() throws {
    let directory = try TemporaryDirectory.make(prefix: "tls-log")
    chmod(directory.path, 0o755)
    let certificates = try TestCertificates(in: directory)
    let elsewhere = try certificates.issueServerCertificate(
      "elsewhere", subjectAltName: "DNS:broker.elsewhere.example")
    guard let port = FreePort.find() else { throw TestSupportError("no free port") }
    let broker = try MosquittoBroker(
      extraConfig: "listener \(port) 127.0.0.1\ncertfile \(elsewhere)\nkeyfile \(certificates.serverKey)\n")
    defer { broker.stop() }
    #expect(FreePort.waitUntilListening(port: port, timeout: 10))
    let facility = try Facility(broker: broker)
    let url = "mqtts://localhost:\(port)"
    let expected = "TLS: the broker's certificate does not name host localhost (OpenSSL: certificate verify failed)"

    let tls = "[tls]\nca_file = \"\(certificates.caCertificate)\"\n"
    try facility.startCollector(
      waitUntilSubscribed: false, brokerURL: url, arguments: try facility.collectorConfig(tls))
    defer { facility.stopCollector() }
    #expect(eventually(timeout: 20) { facility.collectorLog.contains(expected) }, "\(facility.collectorLog)")
    #expect(facility.collectorLog.contains("make-certs.sh"))

    let agent = try facility.startAgent(
      sensorTables: "[[sensor]]\nid = \"cold2-air\"\nroom = \"cold2\"\ndriver = \"simulated\"\n\n" + tls,
      arguments: ["--broker", url])
    defer { agent.stop() }
    let agentLog = { (try? String(contentsOf: facility.agentLog(), encoding: .utf8)) ?? "" }
    #expect(eventually(timeout: 20) { agentLog().contains(expected) }, "\(agentLog())")
  }
}
