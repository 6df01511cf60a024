import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Mosquitto started as root drops to the `mosquitto` user (no `user root` here, unlike every other test broker):
/// the owners and modes deploy/install.sh gives the broker's files must let it read them.
/// (Part of `BrokerSecurityTests`, so the suite's filter and serialisation cover it.)
extension BrokerSecurityTests {
  private static var canDropPrivileges: Bool { getuid() == 0 && getpwnam("mosquitto") != nil }

  @Test(.enabled(if: canDropPrivileges, "needs root and the mosquitto user"))
  func theBrokerReadsItsFilesAsTheMosquittoUser() throws {
    let root = try TemporaryDirectory.make(prefix: "etc-mosquitto")
    chmod(root.path, 0o755)
    let pki = root.appendingPathComponent("pki")
    try DeployedBroker.script("make-certs.sh", [pki.path, "127.0.0.1"], environment: ["KEY_BITS": "2048"])
    let etc = root.appendingPathComponent("etc/mosquitto")
    let data = root.appendingPathComponent("var/lib/mosquitto")
    for directory in ["ca_certificates", "certs"] {
      try install(["-d", "-m", "0755", etc.appendingPathComponent(directory).path])
    }
    try install(["-d", "-m", "0755", "-o", "mosquitto", data.path])
    // The same owners and modes as deploy/install.sh --collector.
    let files: [(String, String, String, String)] = [
      ("ca.crt", "ca_certificates/coldtrace-ca.crt", "0644", "root"),
      ("broker.crt", "certs/coldtrace-broker.crt", "0644", "root"),
      ("broker.key", "certs/coldtrace-broker.key", "0640", "mosquitto"),
    ]
    for (source, target, mode, group) in files {
      try install([
        "-m", mode, "-o", "root", "-g", group, pki.appendingPathComponent(source).path,
        etc.appendingPathComponent(target).path,
      ])
    }
    let acl = etc.appendingPathComponent("coldtrace.acl").path
    try install([
      "-m", "0640", "-o", "root", "-g", "mosquitto",
      DeployedBroker.deployDirectory.appendingPathComponent(
        "coldtrace.acl"
      ).path, acl,
    ])
    let passwd = etc.appendingPathComponent("coldtrace.passwd").path
    try install(["-m", "0640", "-o", "root", "-g", "mosquitto", "/dev/null", passwd])
    try DeployedBroker.script(
      "add-site.sh", ["hongxuan", "--pki", pki.path, "--passwd", passwd, "--no-reload"],
      environment: ["KEY_BITS": "2048", "PASSWORD": "hx-s3cret"])

    guard let port = FreePort.find(), let loopback = FreePort.find() else { throw TestSupportError("no free port") }
    let config = try DeployedBroker.testCopy(
      of: String(contentsOf: DeployedBroker.deployDirectory.appendingPathComponent("coldtrace.conf"), encoding: .utf8),
      replacing: [
        "listener 8883\n": "listener \(port) 127.0.0.1\n",
        "listener 1883 127.0.0.1\n": "listener \(loopback) 127.0.0.1\n",
        "/etc/mosquitto/": etc.path + "/",
      ])
    let configFile = root.appendingPathComponent("mosquitto.conf")
    try "persistence_location \(data.path)/\nlog_dest stderr\n\(config)".write(
      to: configFile, atomically: true, encoding: .utf8)
    let mosquitto = try #require(ChildProcess.system("mosquitto"))
    let log = root.appendingPathComponent("mosquitto.log")
    let broker = try ChildProcess(
      name: "mosquitto", executable: mosquitto, arguments: ["-c", configFile.path], log: log.path)
    defer { broker.stop() }
    let brokerLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    #expect(FreePort.waitUntilListening(port: port, timeout: 10), "\(brokerLog())")

    // It read its certificate and key (TLS works), the password file (a right and a wrong password) and the ACL.
    var options = ClientOptions(
      clientID: "perm-\(UUID().uuidString.prefix(6))",
      broker: try BrokerAddress(url: "mqtts://hongxuan:hx-s3cret@127.0.0.1:\(port)"))
    options.tls = ClientOptions.TLS(
      caFile: pki.appendingPathComponent("ca.crt").path, certFile: pki.appendingPathComponent("hongxuan.crt").path,
      keyFile: pki.appendingPathComponent("hongxuan.key").path)
    options.reconnectDelayMin = 0.2
    let outcomes = RecordingClient.Recorder()
    let client = try MosquittoClient(options: options)
    client.start()
    defer { client.stop() }
    #expect(eventually { client.isConnected }, "\(brokerLog())")
    for topic in ["coldtrace/v1/reading/hongxuan/cold2/p1", "coldtrace/v1/reading/dongtien/cold1/p1"] {
      try client.publish(topic: topic, payload: Array("{}".utf8)) { outcomes.record(outcome: $0, of: topic) }
      #expect(eventually { outcomes.outcomes[topic] != nil })
    }
    #expect(outcomes.outcomes["coldtrace/v1/reading/hongxuan/cold2/p1"] == .accepted)
    guard case .refused(135, _) = outcomes.outcomes["coldtrace/v1/reading/dongtien/cold1/p1"] else {
      Issue.record("the ACL did not refuse another site's topic: \(outcomes.outcomes)")
      return
    }
    // The readiness check above opens a plain TCP connection to the TLS port and closes it: the broker may log that
    // as OpenSSL's "unexpected eof while reading". Any other error (a file it could not read) fails the test.
    let errors = brokerLog().split(separator: "\n").filter {
      $0.contains("Error") && !$0.contains("unexpected eof while reading")
    }
    #expect(errors.isEmpty, "\(brokerLog())")
  }

  private func install(_ arguments: [String]) throws {
    let result = try Executables.run(URL(fileURLWithPath: "/usr/bin/install"), arguments)
    guard result.status == 0 else { throw TestSupportError("install \(arguments): \(result.stderr)") }
  }
}
