import ColdTraceSystem
import Foundation

/// A throwaway certificate authority and a server certificate for 127.0.0.1, made with the `openssl` command.
public struct TestCertificates {
  public let caCertificate: String
  public let serverCertificate: String
  public let serverKey: String

  public init(in directory: URL) throws {
    guard let openssl = ChildProcess.system("openssl") else { throw TestSupportError("openssl is not installed") }
    let path = { (name: String) in directory.appendingPathComponent(name).path }
    let extensions = path("server.ext")
    try "subjectAltName = IP:127.0.0.1, DNS:localhost\n".write(
      toFile: extensions, atomically: true, encoding: .utf8)
    let steps: [[String]] = [
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ColdTrace test CA",
        "-keyout", path("ca.key"), "-out", path("ca.crt"),
      ],
      [
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", path("server.key"),
        "-out", path("server.csr"),
      ],
      [
        "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
        "-CAcreateserial", "-days", "2", "-extfile", extensions, "-out", path("server.crt"),
      ],
    ]
    for arguments in steps {
      let result = try Executables.run(URL(fileURLWithPath: openssl), arguments)
      guard result.status == 0 else { throw TestSupportError("openssl \(arguments[0]) failed: \(result.stderr)") }
    }
    for file in ["ca.crt", "server.crt", "server.key"] { chmod(path(file), 0o644) }
    caCertificate = path("ca.crt")
    serverCertificate = path("server.crt")
    serverKey = path("server.key")
  }
}

extension TestCertificates {
  /// Another certificate for the server's key, signed by this CA: for other names (`subjectAltName`, e.g.
  /// `DNS:broker.elsewhere.example`), and with `faketime` set to `issuedAt` (e.g. `2020-01-01 00:00:00`) for one
  /// that expired long ago. Returns its path.
  public func issueServerCertificate(
    _ name: String, subjectAltName: String = "IP:127.0.0.1, DNS:localhost", issuedAt: String? = nil, days: Int = 2
  ) throws -> String {
    let directory = URL(fileURLWithPath: caCertificate).deletingLastPathComponent()
    let path = { (file: String) in directory.appendingPathComponent(file).path }
    try "subjectAltName = \(subjectAltName)\n".write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
    try Self.openssl(
      [
        "x509", "-req", "-in", path("server.csr"), "-CA", caCertificate, "-CAkey", path("ca.key"), "-CAcreateserial",
        "-days", String(days), "-extfile", path("\(name).ext"), "-out", path("\(name).crt"),
      ], underFaketime: issuedAt)
    chmod(path("\(name).crt"), 0o644)
    return path("\(name).crt")
  }

  /// A CA of its own, which signed none of these certificates (a client given it meets an unknown CA).
  public func unrelatedCA() throws -> String {
    let directory = URL(fileURLWithPath: caCertificate).deletingLastPathComponent()
    let path = { (file: String) in directory.appendingPathComponent(file).path }
    try Self.openssl([
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Another CA",
      "-keyout", path("other-ca.key"), "-out", path("other-ca.crt"),
    ])
    chmod(path("other-ca.crt"), 0o644)
    return path("other-ca.crt")
  }

  private static func openssl(_ arguments: [String], underFaketime time: String? = nil) throws {
    guard let openssl = ChildProcess.system("openssl") else { throw TestSupportError("openssl is not installed") }
    var command = [openssl] + arguments
    if let time {
      guard let faketime = ChildProcess.system("faketime") else { throw TestSupportError("faketime is not installed") }
      command = [faketime, time] + command
    }
    let result = try Executables.run(URL(fileURLWithPath: command[0]), Array(command.dropFirst()))
    guard result.status == 0 else { throw TestSupportError("\(command.joined(separator: " ")): \(result.stderr)") }
  }
}
