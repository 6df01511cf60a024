import ColdTraceSystem
import Foundation
import TestSupport

/// A small SMTP server on a free loopback port (python3, written by the test): it accepts messages and appends the
/// envelope and the data of each to a file, so a test can read what a real `msmtp` sent.
final class SMTPSink {
  private static let script = #"""
    import socket, sys
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    open(sys.argv[1] + ".port.tmp", "w").write(str(server.getsockname()[1]))
    import os; os.rename(sys.argv[1] + ".port.tmp", sys.argv[1] + ".port")
    server.settimeout(120)
    out = open(sys.argv[1], "ab", buffering=0)
    while True:
        conn, _ = server.accept()
        f = conn.makefile("rb")
        send = lambda text: conn.sendall(text.encode() + b"\r\n")
        send("220 sink ESMTP")
        while True:
            line = f.readline()
            if not line: break
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")): send("250 sink")
            elif command.startswith((b"MAIL", b"RCPT")): out.write(line); send("250 ok")
            elif command == b"DATA":
                send("354 end with .")
                while True:
                    data = f.readline()
                    out.write(data)
                    if data in (b".\r\n", b""): break
                send("250 queued")
            elif command == b"QUIT": send("221 bye"); break
            else: send("250 ok")
        conn.close()
    """#

  let port: Int
  private let file: URL
  private let process: ChildProcess

  init(directory: URL) throws {
    let scriptFile = directory.appendingPathComponent("smtp-sink.py")
    try Self.script.write(to: scriptFile, atomically: true, encoding: .utf8)
    file = directory.appendingPathComponent("smtp-sink.txt")
    guard let python = ChildProcess.system("python3") else { throw TestSupportError("python3 is not installed") }
    process = try ChildProcess(
      name: "smtp-sink", executable: python, arguments: [scriptFile.path, file.path],
      log: directory.appendingPathComponent("smtp-sink.log").path)
    let portFile = URL(fileURLWithPath: file.path + ".port")
    guard eventually(timeout: 10, { FileManager.default.fileExists(atPath: portFile.path) }),
      let port = Int((try? String(contentsOf: portFile, encoding: .utf8)) ?? "")
    else {
      process.stop()
      throw TestSupportError("the SMTP sink did not start")
    }
    self.port = port
  }

  func stop() { process.stop() }

  /// Everything received so far: envelope lines and message data.
  var received: String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

  /// The first message's subject, decoded from its RFC 2047 base64 form.
  var subject: String? {
    guard let line = received.split(separator: "\r\n").first(where: { $0.hasPrefix("Subject: ") }) else { return nil }
    let value = line.dropFirst("Subject: ".count)
    guard value.hasPrefix("=?UTF-8?B?"), value.hasSuffix("?="),
      let data = Data(base64Encoded: String(value.dropFirst(10).dropLast(2)))
    else { return String(value) }
    return String(decoding: data, as: UTF8.self)
  }
}
