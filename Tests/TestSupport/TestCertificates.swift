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
