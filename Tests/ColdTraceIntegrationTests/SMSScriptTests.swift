import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// deploy/notify/sms.sh and sms-receive.sh alone, run by /bin/sh: the text without diacritics, the 160-character
/// limit for a batch of any size, the remembered ids, phone number forms, and the OK command's forms.
struct SMSScriptTests {
  static let notify = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("deploy/notify")

  /// Runs a script of deploy/notify with `input` on standard input and `environment` added.
  private func run(
    _ script: String, _ arguments: [String] = [], input: String = "", environment: [String: String] = [:]
  ) throws -> (status: Int32, stdout: String, stderr: String) {
    let directory = try TemporaryDirectory.make(prefix: "sms-script")
    let inputFile = directory.appendingPathComponent("input")
    try input.write(to: inputFile, atomically: true, encoding: .utf8)
    let command = "exec /bin/sh \"$0\" \"$@\" < \"\(inputFile.path)\""
    return try Executables.run(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", command, Self.notify.appendingPathComponent(script).path] + arguments, environment: environment)
  }

  private func event(
    id: Int, kind: String = "temp_high", severity: String = "critical", event: String = "opened",
    sensor: String = "probe-a", peak: String = "9.04", limit: String = "8", lots: String = #"["LT-2026-07"]"#,
    site: String = "hongxuan", room: String = "cold2"
  ) -> String {
    #"{"prev":"x","event":"\#(event)","event_id":\#(id + 100),"at":"2026-12-07T17:19:00.123Z","id":\#(id),"#
      + #""kind":"\#(kind)","severity":"\#(severity)","state":"open","site":"\#(site)","room":"\#(room)","#
      + #""sensor":"\#(sensor)","lots":\#(lots),"product":"litchi","opened_at":"2026-12-07T17:19:00.123Z","#
      + #""limit":\#(limit),"peak":\#(peak),"message":"x","unacknowledged":true,"silenced":null}"#
  }

  /// The message sms.sh would queue (its --print preview, without the length line).
  private func text(_ events: [String], environment: [String: String] = [:]) throws -> String {
    let result = try run("sms.sh", ["--print"], input: events.joined(separator: "\n") + "\n", environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    return String(result.stdout.split(separator: "\n").first ?? "")
  }

  @Test func foldsEveryVietnameseLetterToItsBaseLetterInAnyLocale() throws {
    let lower = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    let folded = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
    let input = "\(lower)\n\(lower.uppercased())\n\(lower.decomposedStringWithCanonicalMapping)\nTrả lời `OK` €\n"
    for locale in ["C", "C.UTF-8", "POSIX"] {
      let result = try run("sms.sh", ["--fold"], input: input, environment: ["LC_ALL": locale])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == "\(folded)\n\(folded.uppercased())\n\(folded)\nTra loi 'OK' ?\n", "\(locale)")
    }
  }

  @Test func oneAlertIsOneSMSWithEverythingAndTheTimeInVietnam() throws {
    #expect(
      try text([event(id: 42)])
        == "KHAN hongxuan/cold2: canh bao 42 temp_high, dau do probe-a, dinh 9C (nguong 8C), luc 00:19 08/12, "
        + "lo LT-2026-07. Tra loi: OK 42")
    #expect(
      try text([event(id: 7, kind: "rh_low", severity: "warning", peak: "71.25", limit: "85", lots: "[]")])
        == "CANH BAO hongxuan/cold2: canh bao 7 rh_low, dau do probe-a, dinh 71.3% (nguong 85%), luc 00:19 08/12. "
        + "Tra loi: OK 7")
    #expect(
      try text(
        [event(id: 8, kind: "offline", severity: "warning", peak: "null", limit: "10", lots: "[]")],
        environment: ["COLDTRACE_ESCALATION": "1", "COLDTRACE_SMS_ZONE": "+00:00"])
        == "CHUA AI XAC NHAN CANH BAO hongxuan/cold2: canh bao 8 offline, dau do probe-a, dinh - (nguong 10 phut), "
        + "luc 17:19 07/12. Tra loi: OK 8")
    let unicode = try text([event(id: 42)], environment: ["COLDTRACE_SMS_UNICODE": "1"])
    #expect(unicode.hasPrefix("KHẨN hongxuan/cold2: cảnh báo 42 temp_high, đầu dò probe-a, đỉnh 9C (ngưỡng 8C)"))
  }

  @Test func aPowerCutOfAnySizeIsOneSMSOfAtMost160CharactersThatStillSaysWhatToAcknowledge() throws {
    var lengths: [Int] = []
    for count in [1, 2, 3, 4, 6, 10, 40, 200] {
      let events = (0..<count).map {
        event(id: 300 + $0, kind: $0 % 3 == 0 ? "offline" : "temp_high", sensor: "probe-\($0)")
      }
      let message = try text(events)
      lengths.append(message.count)
      #expect(message.count <= 160 && message.allSatisfy(\.isASCII), "\(count) alerts: \(message)")
      #expect(message.hasPrefix("KHAN hongxuan/cold2"), "\(message)")
      #expect(message.hasSuffix("Tra loi: OK 300"), "\(message)")
      if count > 1 { #expect(message.contains("\(count) canh bao")) }
    }
    // The resolved alert is not the one to acknowledge; a test message asks for nothing.
    let mixed = try text([event(id: 5, event: "resolved"), event(id: 6, severity: "warning")])
    #expect(mixed.hasSuffix("Tra loi: OK 6") && mixed.contains("5 temp_high (da het)"), "\(mixed)")
    let test = try text([event(id: 0, event: "test", site: "test", room: "test")])
    #expect(test.hasSuffix("Tin thu ColdTrace, khong can tra loi."), "\(test)")
    // Ids of 64 characters: cut, still one SMS ending with the reply.
    let long = String(repeating: "x", count: 64)
    let cut = try text([event(id: 9, site: long, room: long)])
    #expect(cut.count == 160 && cut.hasSuffix("... Tra loi: OK 9"), "\(cut)")
    print("SMS lengths for 1, 2, 3, 4, 6, 10, 40, 200 alerts: \(lengths)")
  }

  @Test func aRepeatedRunQueuesNothingAndAFailedInjectIsRetried() throws {
    let directory = try TemporaryDirectory.make(prefix: "sms-sent")
    let sentFile = directory.appendingPathComponent("sent")
    try "5 0912345678\n6 0912345678\n".write(to: sentFile, atomically: true, encoding: .utf8)
    let environment = [
      "COLDTRACE_CONTACTS": "0912345678", "COLDTRACE_NOTIFICATION_IDS": "5,6", "COLDTRACE_SMS_SENT": sentFile.path,
      "COLDTRACE_SMSD_CONFIG": directory.appendingPathComponent("missing-smsdrc").path,
    ]
    let repeated = try run("sms.sh", input: event(id: 42) + "\n", environment: environment)
    #expect(repeated.status == 0 && repeated.stderr.isEmpty, "already queued: \(repeated.stderr)")
    var more = environment
    more["COLDTRACE_CONTACTS"] = "0912345678,+84980000001"
    let failed = try run("sms.sh", input: event(id: 42) + "\n", environment: more)
    #expect(failed.status == 1, "a new number and no gammu-smsd configuration: retried")
    #expect(failed.stderr.hasPrefix("sms.sh: gammu-smsd-inject to +84980000001 failed"), "\(failed.stderr)")
    let none = try run("sms.sh", input: event(id: 42) + "\n", environment: ["COLDTRACE_CONTACTS": ""])
    #expect(none.status == 2 && none.stderr.contains("COLDTRACE_CONTACTS is empty"))
  }

  @Test func gammuQueuesOneGSMMessageOrWithUnicodeAMultiPartOneWithDiacritics() throws {
    let phone = try GammuPhone(directory: try TemporaryDirectory.make(prefix: "sms-inject"))
    let environment = ["COLDTRACE_CONTACTS": "0912345678", "COLDTRACE_SMSD_CONFIG": phone.configFile.path]
    let plain = try run("sms.sh", input: event(id: 42) + "\n", environment: environment)
    #expect(plain.status == 0, "\(plain.stderr)")
    var unicode = environment
    unicode["COLDTRACE_SMS_UNICODE"] = "1"
    unicode["COLDTRACE_CONTACTS"] = "+84980000001"
    let accented = try run("sms.sh", input: event(id: 42) + "\n", environment: unicode)
    #expect(accented.status == 0, "\(accented.stderr)")
    let queued = phone.messages(in: phone.outbox)
    let gsm = try #require(queued.first { $0.number == "0912345678" })
    let expected = try text([event(id: 42)])
    #expect(gsm.coding == "Default_No_Compression" && gsm.text == expected)
    let ucs2 = try #require(queued.first { $0.number == "+84980000001" })
    #expect(ucs2.coding == "Unicode_No_Compression")
    #expect(
      ucs2.text
        == "KHẨN hongxuan/cold2: cảnh báo 42 temp_high, đầu dò probe-a, đỉnh 9C (ngưỡng 8C), lúc 00:19 08/12, "
        + "lô LT-2026-07. Trả lời: OK 42")
    let parts = try FileManager.default.contentsOfDirectory(atPath: phone.outbox.path).filter {
      $0.contains("84980000001")
    }
    #expect(parts.count == 1, "one file holds the parts of the multi-part message: \(parts)")
    let file = try String(contentsOf: phone.outbox.appendingPathComponent(parts[0]), encoding: .utf8)
    #expect(file.components(separatedBy: "[SMSBackup").count == 3, "127 characters in UCS-2 are 2 parts of 67")
  }

  @Test func theExampleGammuConfigurationQueuesAndNamesTheReceiveProgram() throws {
    let inject = try #require(
      ChildProcess.system("gammu-smsd-inject"), "gammu-smsd is not installed: scripts/bootstrap.sh installs it")
    let example = try String(contentsOf: Self.notify.appendingPathComponent("gammu-smsdrc"), encoding: .utf8)
    #expect(
      example.contains(
        "\nrunonreceive = /usr/bin/env COLDTRACE_CONFIG=/etc/coldtrace/collector.toml "
          + "COLDTRACE_SMS_ALLOWLIST=/etc/coldtrace/sms-allowlist /usr/local/lib/coldtrace/notify/sms-receive.sh\n"))
    // The example with its spool in a temporary directory: gammu-smsd-inject reads it and queues a message there.
    let directory = try TemporaryDirectory.make(prefix: "sms-example")
    for folder in ["inbox", "outbox", "sent", "error"] {
      try FileManager.default.createDirectory(
        at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    let config = directory.appendingPathComponent("smsdrc")
    try example.replacingOccurrences(of: "/var/spool/gammu/", with: directory.path + "/")
      .replacingOccurrences(of: "logfile = syslog", with: "logfile = \(directory.path)/smsd.log")
      .write(to: config, atomically: true, encoding: .utf8)
    let result = try Executables.run(
      URL(fileURLWithPath: inject), ["-c", config.path, "TEXT", "0912345678", "-text", "Thu ColdTrace"])
    #expect(result.status == 0, "\(result.stderr)")
    let queued = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("outbox").path)
    #expect(queued.count == 1 && queued[0].hasSuffix("_0912345678_sms0.smsbackup"), "\(queued)")
  }

  /// sms-receive.sh with `coldtrace` replaced by `echo`, without answers: what it would acknowledge, as whom.
  private func receive(from number: String, _ text: String) throws -> String {
    let directory = try TemporaryDirectory.make(prefix: "sms-receive")
    let allowlist = directory.appendingPathComponent("allowlist")
    try "# staff\n0912 345 678  # Lan\n\n 84-98-000-0001\n+84 97 000 0002\n".write(
      to: allowlist, atomically: true, encoding: .utf8)
    let result = try run(
      "sms-receive.sh",
      environment: [
        "SMS_MESSAGES": "1", "SMS_1_NUMBER": number, "SMS_1_TEXT": text, "DECODED_PARTS": "0",
        "COLDTRACE_SMS_ALLOWLIST": allowlist.path, "COLDTRACE_BIN": "/bin/echo", "COLDTRACE_SMS_REPLY": "0",
      ])
    #expect(result.status == 0, "\(result.stderr)")
    return result.stderr
  }

  @Test func everyFormOfAnAllowlistedNumberIsTheSameNumber() throws {
    for number in ["+84912345678", "84912345678", "0912345678", "0084912345678", "+84 912 345 678"] {
      #expect(try receive(from: number, "OK 42").contains("ack 42 --by +84912345678 --note (SMS)"), "\(number)")
    }
    for number in ["+84980000001", "0980000001", "+84970000002", "0970000002"] {
      #expect(try receive(from: number, "ok 1").contains("alert 1 acknowledged"), "\(number)")
    }
    for number in ["+84912345679", "912345678", "+14155550100", "Viettel", ""] {
      #expect(try receive(from: number, "OK 42").contains("not on the allowlist"), "\(number)")
    }
  }

  @Test func theOKCommandToleratesCaseSpacesAndMarksAndNothingElseAcknowledges() throws {
    let accepted = [
      "OK 42": "(SMS)", "ok 42": "(SMS)", "  Ok   42  ": "(SMS)", "OK #42": "(SMS)",
      "OK: 42 cua da dong": "cua da dong (SMS)",
      "oK 42   da   kiem tra  ": "da   kiem tra (SMS)", "OK 42\nnhiet do on": "nhiet do on (SMS)",
    ]
    for (text, note) in accepted {
      #expect(try receive(from: "0912345678", text).contains("ack 42 --by +84912345678 --note \(note)"), "\(text)")
    }
    for text in ["OKAY 42", "ok", "OK abc", "42 OK", "da nhan", "OK 42abc", ""] {
      #expect(try receive(from: "0912345678", text).contains("is not \"OK <id> [note]\""), "\(text)")
    }
    // A concatenated message: its decoded text, whole.
    let directory = try TemporaryDirectory.make(prefix: "sms-receive")
    let allowlist = directory.appendingPathComponent("allowlist")
    try "0912345678\n".write(to: allowlist, atomically: true, encoding: .utf8)
    let parts = try run(
      "sms-receive.sh",
      environment: [
        "SMS_MESSAGES": "2", "SMS_1_NUMBER": "+84912345678", "SMS_1_TEXT": "OK 43 part", "SMS_2_NUMBER": "+84912345678",
        "SMS_2_TEXT": "two", "DECODED_PARTS": "1", "DECODED_1_TEXT": "OK 43 whole note",
        "COLDTRACE_SMS_ALLOWLIST": allowlist.path, "COLDTRACE_BIN": "/bin/echo", "COLDTRACE_SMS_REPLY": "0",
      ])
    #expect(parts.stderr.contains("ack 43 --by +84912345678 --note whole note (SMS)"), "\(parts.stderr)")
  }
}
