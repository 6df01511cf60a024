import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Notifications through an outage, with a real mosquitto, the real collector and real programs: a channel whose
/// program fails while a marker file exists (the uplink is down) delivers a critical `temp_high` once the uplink is
/// back, exactly once, also when the collector is SIGKILLed during the outage; a healthy second channel is sent once;
/// an alert nobody acknowledges reaches the escalation contacts.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct NotificationOutageTests {
  private struct Files {
    let directory: URL
    var marker: URL { directory.appendingPathComponent("uplink-down") }
    var attempts: URL { directory.appendingPathComponent("sms-attempts") }
    var sms: URL { directory.appendingPathComponent("sms.jsonl") }
    var email: URL { directory.appendingPathComponent("email.log") }
  }

  /// Two channels: `sms`, whose program fails while the marker exists, and a healthy `email` (escalating after
  /// `escalateMinutes` when given). Returns the config's path.
  private func writeConfig(_ files: Files, escalateMinutes: Double? = nil) throws -> String {
    let config = files.directory.appendingPathComponent("collector.toml")
    let escalation = escalateMinutes.map { "escalate_after_minutes = \($0)\nescalate_contacts = [\"boss\"]\n" } ?? ""
    try """
    offline_after_minutes = 10080

    [[notify]]
    name = "sms"
    command = ["/bin/sh", "-c", "echo try >> '\(files.attempts.path)'; if [ -e '\(files.marker.path)' ]; then echo 'uplink down' >&2; exit 3; fi; cat >> '\(files.sms.path)'"]
    group_seconds = 1
    contacts = ["+84901234567"]

    [[notify]]
    name = "email"
    command = ["/bin/sh", "-c", "{ echo \\"RUN $COLDTRACE_CONTACTS\\"; cat; } >> '\(files.email.path)'"]
    group_seconds = 1
    contacts = ["lan"]
    \(escalation)
    """.write(to: config, atomically: true, encoding: .utf8)
    return config.path
  }

  private func text(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

  /// The `(event, event_id)` of every JSON line in `file`, in order.
  private func events(_ file: URL) -> [String] {
    text(file).split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap { line in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
      return "\(object["event"] ?? "") \(object["event_id"] ?? "")"
    }
  }

  /// The alert events the collector journalled for probe-a, as `(event, event_id)`.
  private func journalled(_ facility: Facility) -> [String] {
    events(URL(fileURLWithPath: facility.journal)).filter { !$0.hasPrefix("config_changed") }
  }

  private func attempts(_ files: Files) -> Int { text(files.attempts).split(separator: "\n").count }

  @Test func aChannelDownWhileACriticalOpensDeliversItOnceWhenBackAndTheHealthyOneAndTheEscalationOnce() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let files = Files(directory: facility.directory)
    try Data().write(to: files.marker)
    let config = try writeConfig(files, escalateMinutes: 0.25)
    try facility.startCollector(arguments: ["--config", config])
    let published = Date()
    try broker.publishWarmRoom()

    #expect(eventually(timeout: 20) { text(files.email).contains("temp_high") }, "the healthy channel at once")
    #expect(eventually(timeout: 30) { attempts(files) >= 2 }, "the failing channel retried")
    let escalatedEarly = text(files.email).contains("RUN boss")
    #expect(Date().timeIntervalSince(published) >= 14 || !escalatedEarly, "no escalation before its 15 s")
    // Down for 20 s, then up: the next retry (back-off 5, 10, 20 s) delivers.
    Thread.sleep(forTimeInterval: max(0, 20 - Date().timeIntervalSince(published)))
    try FileManager.default.removeItem(at: files.marker)
    #expect(eventually(timeout: 60) { text(files.sms).contains("temp_high") }, "\(facility.collectorLog)")
    #expect(eventually(timeout: 30) { text(files.email).contains("RUN boss") }, "escalated, nobody acknowledged it")
    Thread.sleep(forTimeInterval: 2)

    let expected = journalled(facility)
    #expect(expected.contains { $0.hasPrefix("opened ") })
    #expect(events(files.sms) == expected, "every event exactly once, in order, on the channel that was down")
    #expect(events(files.email).filter { !$0.hasPrefix("escalation") } == expected, "and once on the healthy one")
    #expect(events(files.email).filter { $0.hasPrefix("escalation") }.count == 1)
    #expect(facility.collectorLog.contains("notify sms program: uplink down"), "the program's stderr is logged")

    let status = try facility.shell(["notify", "status", "--json", "--config", config])
    #expect(status.status == 0, "\(status.stderr)")
    let sms = try #require(status.stdout.split(separator: "\n").first { $0.contains(#""channel":"sms""#) })
    #expect(sms.contains(#""pending":0"#) && sms.contains(#""failing":0"#))
    #expect(sms.contains(#""last_error":"exited with status 3: uplink down""#))
  }

  @Test func aCollectorKilledDuringTheOutageDeliversAfterItsRestartAndSendsNothingTwice() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let files = Files(directory: facility.directory)
    try Data().write(to: files.marker)
    let config = try writeConfig(files)
    try facility.startCollector(arguments: ["--config", config])
    try broker.publishWarmRoom()
    #expect(eventually(timeout: 20) { text(files.email).contains("temp_high") })
    #expect(eventually(timeout: 20) { attempts(files) >= 2 })
    facility.killCollector()
    let before = attempts(files)
    try facility.startCollector(arguments: ["--config", config])
    #expect(eventually(timeout: 30) { attempts(files) > before }, "the restarted collector retries from the outbox")
    try FileManager.default.removeItem(at: files.marker)
    #expect(eventually(timeout: 60) { text(files.sms).contains("temp_high") }, "\(facility.collectorLog)")
    Thread.sleep(forTimeInterval: 2)
    let expected = journalled(facility)
    #expect(events(files.sms) == expected)
    #expect(events(files.email) == expected, "the healthy channel is not sent again after the restart")
  }

  @Test func theEmailProgramSendsTheAlarmThroughMsmtpToAnSMTPServer() throws {
    let msmtp = try #require(ChildProcess.system("msmtp"), "msmtp is not installed (scripts/bootstrap.sh)")
    #expect(!msmtp.isEmpty)
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let sink = try SMTPSink(directory: facility.directory)
    defer { sink.stop() }
    let rc = facility.directory.appendingPathComponent("msmtprc")
    try "account default\nhost 127.0.0.1\nport \(sink.port)\nfrom coldtrace@farm.example\nauth off\ntls off\n"
      .write(to: rc, atomically: true, encoding: .utf8)
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("deploy/notify/email.sh").path
    let config = facility.directory.appendingPathComponent("collector.toml")
    try """
    offline_after_minutes = 10080

    [[notify]]
    name = "email"
    command = ["/usr/bin/env", "COLDTRACE_MSMTP_CONFIG=\(rc.path)", "\(script)"]
    group_seconds = 2
    contacts = ["lan@farm.example", "minh@farm.example"]
    """.write(to: config, atomically: true, encoding: .utf8)
    try facility.startCollector(arguments: ["--config", config.path])
    try broker.publishWarmRoom()
    #expect(eventually(timeout: 30) { sink.received.contains("\r\n.\r\n") || sink.received.contains("Subject:") })
    #expect(eventually(timeout: 10) { sink.received.contains("temp_high") }, "\(facility.collectorLog)")
    let mail = sink.received
    #expect(mail.contains("RCPT TO:<lan@farm.example>") && mail.contains("RCPT TO:<minh@farm.example>"))
    #expect(sink.subject == "[ColdTrace] KHẨN/CRITICAL hongxuan/cold2: temp_high")
    #expect(mail.contains("KHẨN (mở): hongxuan/cold2, đầu dò probe-a: temp_high"))
    #expect(mail.contains("CRITICAL (opened): hongxuan/cold2, probe probe-a: temp_high"))
    #expect(mail.contains("X-ColdTrace-Notification-Ids: "))
  }
}
