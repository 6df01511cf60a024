import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The SMS channel end to end through real programs: a real mosquitto, the real collector running
/// deploy/notify/sms.sh, and a real gammu-smsd on Gammu's file-backed dummy phone. A critical alarm becomes one
/// ASCII SMS of at most 160 characters in the phone's sent folder, naming the alert and "OK <id>"; a reply
/// "OK <id> note" from an allowlisted number, received by gammu-smsd and handed to deploy/notify/sms-receive.sh by
/// its RunOnReceive, acknowledges the alert and answers the sender; the same from another number does nothing.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SMSChannelTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let sender = "+84912345678"

  /// A broker, a collector whose `sms` channel runs sms.sh into `phone`, and gammu-smsd running sms-receive.sh with
  /// an allowlist holding 0912 345 678 (the sender's number in national form).
  private struct Rig {
    let broker: MosquittoBroker
    let facility: Facility
    let phone: GammuPhone
    let config: String

    init() throws {
      broker = try MosquittoBroker()
      facility = try Facility(broker: broker)
      let directory = facility.directory
      let allowlist = directory.appendingPathComponent("sms-allowlist")
      try "# cold store staff\n0912 345 678   # Lan\n\n+84 98 000 0001\n".write(
        to: allowlist, atomically: true, encoding: .utf8)
      let smsdrc = directory.appendingPathComponent("gammu/smsdrc").path
      let receive = [
        "/usr/bin/env", "COLDTRACE_SMS_ALLOWLIST=\(allowlist.path)",
        "COLDTRACE_BIN=\(Executables.product("coldtrace").path)", "COLDTRACE_DB=\(facility.database)",
        "COLDTRACE_SMSD_CONFIG=\(smsdrc)",
        SMSChannelTests.repository.appendingPathComponent("deploy/notify/sms-receive.sh").path,
      ].joined(separator: " ")
      phone = try GammuPhone(directory: directory.appendingPathComponent("gammu"), runOnReceive: receive)
      let script = SMSChannelTests.repository.appendingPathComponent("deploy/notify/sms.sh").path
      let config = directory.appendingPathComponent("collector.toml")
      try """
      offline_after_minutes = 10080

      [[notify]]
      name = "sms"
      command = ["/usr/bin/env", "COLDTRACE_SMSD_CONFIG=\(smsdrc)", "COLDTRACE_SMS_SENT=\(directory.path)/sms-sent", "\(script)"]
      group_seconds = 1
      contacts = ["0912345678", "+84 98 000 0001"]
      """.write(to: config, atomically: true, encoding: .utf8)
      self.config = config.path
    }

    func stop() {
      phone.stop()
      facility.stopCollector()
      broker.stop()
    }

    /// Starts gammu-smsd and the collector, publishes a warm litchi room and returns the critical alert's id, once
    /// the collector has journalled it.
    func raiseAlarm() throws -> Int {
      try phone.start()
      #expect(phone.pidFromFile == phone.pid, "gammu-smsd's pid file names the child the test started")
      try facility.startCollector(arguments: ["--config", config])
      try broker.publishWarmRoom()
      var id: Int?
      _ = eventually(timeout: 30) {
        id = alerts().first { $0["kind"] as? String == "temp_high" }?["id"] as? Int
        return id != nil
      }
      guard let id else { throw TestSupportError("no temp_high alert in 30 s: \(facility.collectorLog)") }
      return id
    }

    /// `coldtrace alerts --json`, one object a line.
    func alerts() -> [[String: Any]] {
      guard let result = try? facility.shell(["alerts", "--json"]), result.status == 0 else { return [] }
      return result.stdout.split(separator: "\n").compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
      }
    }

    func alert(_ id: Int) -> [String: Any]? { alerts().first { $0["id"] as? Int == id } }

    var journal: String { (try? String(contentsOf: URL(fileURLWithPath: facility.journal), encoding: .utf8)) ?? "" }

    /// The `at` of the alert's `opened` line in the journal, in Vietnam's time, as the SMS writes it.
    func openedLocalTime(_ id: Int) throws -> String {
      let line = try #require(
        journal.split(separator: "\n").first { $0.contains(#""event":"opened""#) && $0.contains(#""id":\#(id),"#) })
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let at = try #require(object["at"] as? String)
      let parser = ISO8601DateFormatter()
      parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      let date = try #require(parser.date(from: at))
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
      formatter.dateFormat = "HH:mm dd/MM"
      return formatter.string(from: date)
    }
  }

  @Test func anAlarmIsOneSMSToEachContactAndAnOKReplyFromAnAllowlistedNumberAcknowledgesIt() throws {
    let rig = try Rig()
    defer { rig.stop() }
    let started = Date()
    let id = try rig.raiseAlarm()
    let phone = rig.phone
    #expect(
      eventually(timeout: 30) { phone.messages(in: phone.sent).count >= 2 },
      "two SMS sent by gammu-smsd: \(rig.facility.collectorLog) \(phone.logText)")
    let alarmSeconds = Date().timeIntervalSince(started)
    Thread.sleep(forTimeInterval: 1)
    let sent = phone.messages(in: phone.sent)
    #expect(sent.map(\.number).sorted() == ["+84980000001", "0912345678"], "one SMS to each contact, no more")
    #expect(phone.files(in: phone.errors).isEmpty && phone.files(in: phone.outbox).isEmpty)
    let text = try #require(sent.first?.text)
    #expect(sent.allSatisfy { $0.text == text && $0.coding == "Default_No_Compression" }, "GSM 7-bit: \(sent)")
    #expect(text.allSatisfy { $0.isASCII } && text.count <= 160, "\(text.count): \(text)")
    let local = try rig.openedLocalTime(id)
    #expect(
      text == "KHAN hongxuan/cold2: canh bao \(id) temp_high, dau do probe-a, dinh 9C (nguong 8C), luc \(local). "
        + "Tra loi: OK \(id)")
    #expect(rig.alert(id)?["unacknowledged"] as? Bool == true)

    // The farm manager answers from her phone (the network gives her number in international form).
    try phone.receive(from: Self.sender, text: "  ok   \(id)   cua da dong, da kiem tra qua  ")
    #expect(
      eventually(timeout: 20) { rig.alert(id)?["acked_by"] as? String == Self.sender },
      "acknowledged: \(phone.logText) \(phone.outputText)")
    let alert = try #require(rig.alert(id))
    #expect(alert["note"] as? String == "cua da dong, da kiem tra qua (SMS)")
    #expect(alert["unacknowledged"] as? Bool == false)
    #expect(eventually(timeout: 10) { rig.journal.contains(#""event":"acked""#) }, "the journal has the ack")
    let ackLine = try #require(rig.journal.split(separator: "\n").first { $0.contains(#""event":"acked""#) })
    #expect(ackLine.contains(#""acked_by":"\#(Self.sender)""#) && ackLine.contains(#""id":\#(id),"#))
    #expect(
      eventually(timeout: 20) { phone.messages(in: phone.sent).contains { $0.number == Self.sender } },
      "the answer is sent: \(phone.logText)")
    let answer = try #require(phone.messages(in: phone.sent).first { $0.number == Self.sender })
    #expect(answer.text == "Da xac nhan canh bao \(id). ColdTrace")
    #expect(phone.files(in: phone.inbox).count == 1, "gammu-smsd kept the received message in its inbox")

    // An id that does not exist: refused, and the sender is told why.
    try phone.receive(from: "0912345678", text: "OK 999999")
    #expect(
      eventually(timeout: 20) { phone.messages(in: phone.sent).filter { $0.number == "0912345678" }.count == 2 },
      "\(phone.logText) \(phone.outputText)")
    let refusal = phone.messages(in: phone.sent).filter { $0.number == "0912345678" }.map(\.text)
    #expect(refusal.contains("Khong xac nhan duoc canh bao 999999: no alert with id 999999"), "\(refusal)")
    #expect(phone.logText.contains("sms-receive: alert \(id) acknowledged by \(Self.sender)"))
    print("SMS alarm: first SMS sent \(String(format: "%.1f", alarmSeconds)) s after the collector started")
  }

  @Test func aReplyFromANumberNotOnTheAllowlistOrNotAnOKCommandDoesNothingAndIsNotAnswered() throws {
    let rig = try Rig()
    defer { rig.stop() }
    let id = try rig.raiseAlarm()
    let phone = rig.phone
    #expect(eventually(timeout: 30) { phone.messages(in: phone.sent).count >= 2 }, "\(phone.logText)")
    try phone.receive(from: "+84977777777", text: "OK \(id) toi la ai")
    try phone.receive(from: Self.sender, text: "Da nhan, se kiem tra \(id)")
    #expect(
      eventually(timeout: 20) { phone.logText.components(separatedBy: "sms-receive: ignored").count == 3 },
      "both received and ignored: \(phone.logText) \(phone.outputText)")
    #expect(phone.logText.contains("ignored a message from +84977777777, not on the allowlist"))
    #expect(phone.logText.contains("ignored a message from \(Self.sender) that is not \"OK <id> [note]\""))
    #expect(phone.phoneInboxIsEmpty && phone.files(in: phone.inbox).count == 2)
    Thread.sleep(forTimeInterval: 2)
    let alert = try #require(rig.alert(id))
    #expect(alert["unacknowledged"] as? Bool == true && alert["acked_by"] is NSNull, "\(alert)")
    #expect(!rig.journal.contains(#""event":"acked""#))
    let numbers = phone.messages(in: phone.sent).map(\.number) + phone.messages(in: phone.outbox).map(\.number)
    #expect(numbers.sorted() == ["+84980000001", "0912345678"], "no answer to anybody: \(numbers)")
  }
}
