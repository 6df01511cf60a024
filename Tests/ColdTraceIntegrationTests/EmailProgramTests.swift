import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `deploy/notify/email.sh` on its own, with a real msmtp and a local SMTP sink: a notification id it has sent is
/// not sent again (the collector delivers at least once), while `coldtrace notify test` (notification 0) goes out
/// every time it is run.
@Suite(.timeLimit(.minutes(10)))
struct EmailProgramTests {
  private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("deploy/notify/email.sh").path

  private static let event = #"""
    {"id":7,"event":"opened","event_id":7,"site":"hongxuan","room":"cold2","sensor":"probe-a","kind":"temp_high","severity":"critical","peak":9,"limit":8,"at":"2026-12-07T03:00:00.000Z","lots":[],"message":"9 °C"}
    """#

  /// Runs email.sh with one event on its standard input; returns its exit status.
  private func send(ids: String, rc: URL, sent: URL) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = [Self.script]
    process.environment = ProcessInfo.processInfo.environment.merging([
      "COLDTRACE_MSMTP_CONFIG": rc.path, "COLDTRACE_EMAIL_SENT": sent.path, "COLDTRACE_CONTACTS": "lan@farm.example",
      "COLDTRACE_NOTIFICATION_IDS": ids, "COLDTRACE_CHANNEL": "email",
    ]) { $1 }
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data((Self.event + "\n").utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    return process.terminationStatus
  }

  @Test func aSentIdIsNotSentAgainButTheTestMessageIsSentEveryTime() throws {
    _ = try #require(ChildProcess.system("msmtp"), "msmtp is not installed (scripts/bootstrap.sh)")
    let directory = try TemporaryDirectory.make(prefix: "email")
    let sink = try SMTPSink(directory: directory)
    defer { sink.stop() }
    let rc = directory.appendingPathComponent("msmtprc")
    try "account default\nhost 127.0.0.1\nport \(sink.port)\nfrom coldtrace@farm.example\nauth off\ntls off\n"
      .write(to: rc, atomically: true, encoding: .utf8)
    let sent = directory.appendingPathComponent("email-sent")
    let mails = { sink.received.components(separatedBy: "MAIL FROM:").count - 1 }
    for run in 1...2 {
      #expect(try send(ids: "0", rc: rc, sent: sent) == 0)
      #expect(eventually(timeout: 10) { mails() == run }, "the test message goes out on run \(run)")
    }
    #expect(try send(ids: "7", rc: rc, sent: sent) == 0)
    #expect(eventually(timeout: 10) { mails() == 3 })
    #expect(try send(ids: "7", rc: rc, sent: sent) == 0)
    Thread.sleep(forTimeInterval: 1)
    #expect(mails() == 3, "notification 7 was sent already")
    #expect(try String(contentsOf: sent, encoding: .utf8) == "7\n")
  }
}
