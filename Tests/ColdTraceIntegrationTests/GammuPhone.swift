import ColdTraceSystem
import Foundation
import TestSupport

/// A real `gammu-smsd` on Gammu's file-backed dummy phone, for one test: the phone is a folder (`phone/sms/1` is its
/// SIM inbox, where a message file appears as received), the daemon's files service keeps `outbox/`, `sent/`,
/// `error/` and `inbox/` beside it. What `gammu-smsd-inject` queues in `outbox/` is "sent" by the dummy phone and
/// moved to `sent/`; a message file put in the phone's inbox is received, saved in `inbox/`, and handed to
/// `RunOnReceive`. Started as a child process with a pid file; `stop()` ends it by its pid.
final class GammuPhone {
  let directory: URL
  var configFile: URL { directory.appendingPathComponent("smsdrc") }
  var phone: URL { directory.appendingPathComponent("phone") }
  var outbox: URL { directory.appendingPathComponent("outbox") }
  var sent: URL { directory.appendingPathComponent("sent") }
  var errors: URL { directory.appendingPathComponent("error") }
  var inbox: URL { directory.appendingPathComponent("inbox") }
  var pidFile: URL { directory.appendingPathComponent("smsd.pid") }
  var log: URL { directory.appendingPathComponent("smsd.log") }
  var output: URL { directory.appendingPathComponent("smsd.out") }
  private var process: ChildProcess?
  private var incoming = 0

  /// A text message as Gammu stores it: its number, its text (decoded from the UCS-2 hex parts), its coding.
  struct Message: Equatable {
    var number: String
    var text: String
    var coding: String
  }

  /// Writes the configuration (`runOnReceive`: the command line gammu-smsd runs for each received message, if any).
  init(directory: URL, runOnReceive: String? = nil) throws {
    guard ChildProcess.system("gammu-smsd") != nil, ChildProcess.system("gammu-smsd-inject") != nil else {
      throw TestSupportError("gammu-smsd is not installed: scripts/bootstrap.sh installs gammu and gammu-smsd")
    }
    self.directory = directory
    let folders = ["outbox", "sent", "error", "inbox"] + (1...5).map { "phone/sms/\($0)" }
    for folder in folders {
      try FileManager.default.createDirectory(
        at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    var config = """
      [gammu]
      model = dummy
      connection = none
      device = \(phone.path)

      [smsd]
      service = files
      inboxpath = \(inbox.path)/
      outboxpath = \(outbox.path)/
      sentsmspath = \(sent.path)/
      errorsmspath = \(errors.path)/
      logfile = \(log.path)
      debuglevel = 1
      commtimeout = 1
      sendtimeout = 5
      receivefrequency = 1
      statusfrequency = 0
      checksecurity = 0
      checkbattery = 0
      checksignal = 0

      """
    if let runOnReceive { config += "runonreceive = \(runOnReceive)\n" }
    try config.write(to: configFile, atomically: true, encoding: .utf8)
  }

  deinit { stop() }

  /// Starts gammu-smsd in the foreground (a child of the test, its pid also in `pidFile`).
  func start() throws {
    guard let smsd = ChildProcess.system("gammu-smsd") else { throw TestSupportError("gammu-smsd is not installed") }
    process = try ChildProcess(
      name: "gammu-smsd", executable: smsd, arguments: ["--config", configFile.path, "--pid", pidFile.path],
      log: output.path)
    guard eventually(timeout: 10, { logText.contains("Starting phone communication") }) else {
      throw TestSupportError("gammu-smsd did not start within 10 s: \(logText) \(outputText)")
    }
  }

  /// The pid gammu-smsd wrote to its pid file.
  var pidFromFile: Int32? {
    (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap {
      Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }

  var pid: Int32? { process?.pid }

  /// Stops gammu-smsd by its pid (SIGTERM, then SIGKILL after 5 s) and waits for it.
  func stop() {
    process?.stop()
    process = nil
  }

  var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
  var outputText: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

  /// A message from `number` arrives: a Gammu SMS backup file (a received, unread "Deliver" message in the GSM
  /// alphabet) is moved into the dummy phone's SIM inbox folder, where the driver reads it and gammu-smsd finds it.
  func receive(from number: String, text: String) throws {
    incoming += 1
    let hex = text.utf16.map { String(format: "%04X", $0) }.joined()
    let backup = """
      [SMSBackup000]
      SMSC = "+84980200030"
      State = UnRead
      Number = "\(number)"
      Coding = Default
      Folder = 1
      PDU = Deliver
      DateTime = 20261207T050000Z
      Text00 = \(hex)

      """
    let staging = directory.appendingPathComponent("incoming-\(incoming).tmp")
    try backup.write(to: staging, atomically: true, encoding: .utf8)
    try FileManager.default.moveItem(at: staging, to: phone.appendingPathComponent("sms/1/\(incoming)"))
  }

  /// Whether the dummy phone's inbox is empty again (gammu-smsd took and deleted every message put there).
  var phoneInboxIsEmpty: Bool {
    ((try? FileManager.default.contentsOfDirectory(atPath: phone.appendingPathComponent("sms/1").path)) ?? []).isEmpty
  }

  func messages(in folder: URL) -> [Message] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    return names.compactMap { name in
      guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else {
        return nil
      }
      return Self.parse(backup: text)
    }
  }

  /// Every file name in `folder`.
  func files(in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }

  /// A Gammu SMS backup file (CRLF lines): the first section's number and coding, and the text of all its sections
  /// (the parts of a multi-part message) decoded from their `TextNN` UCS-2 hex.
  static func parse(backup: String) -> Message? {
    var number: String?
    var coding = ""
    var hex = ""
    var sections: Set<Substring> = []
    for line in backup.split(whereSeparator: \.isNewline) {
      // gammu-smsd 1.42 rewrites a sent message's file in place without truncating it: a section seen again is the
      // old file's stale tail.
      if line.hasPrefix("[") {
        if sections.contains(line) { break }
        sections.insert(line)
      }
      let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2 else { continue }
      if parts[0] == "Number", number == nil { number = parts[1].trimmingCharacters(in: ["\""]) }
      if parts[0] == "Coding", coding.isEmpty { coding = parts[1] }
      if parts[0].hasPrefix("Text"), parts[0].dropFirst(4).allSatisfy(\.isNumber) { hex += parts[1] }
    }
    guard let number else { return nil }
    var units: [UInt16] = []
    var index = hex.startIndex
    while let end = hex.index(index, offsetBy: 4, limitedBy: hex.endIndex), index < end {
      units.append(UInt16(hex[index..<end], radix: 16) ?? 0x3F)
      index = end
    }
    return Message(number: number, text: String(decoding: units, as: UTF16.self), coding: coding)
  }
}
