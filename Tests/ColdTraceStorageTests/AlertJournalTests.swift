import ColdTraceCore
import Foundation
import Synchronization
import Testing

@testable import ColdTraceStorage

@Suite("Alert journal")
struct AlertJournalTests {
  typealias F = StoreFixtures
  let scratch: ScratchDatabase
  let journal: AlertJournal

  init() throws {
    scratch = try ScratchDatabase()
    journal = scratch.journal
  }

  /// Opens an alert on `count` probes of cold2, one event each, starting at `first` minutes.
  private func openAlerts(_ count: Int, from first: Int = 0, in store: SQLiteStore) throws {
    for index in first..<(first + count) {
      let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-\(index)")
      try F.apply(F.event(.opened, key, at: index, peak: 6), to: store)
    }
  }

  private func text() throws -> String { try String(contentsOfFile: journal.path, encoding: .utf8) }

  /// The file's newline-terminated lines (an unterminated tail is not a line yet).
  private func completeLines() throws -> [String] {
    let lines = try text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    return Array(lines.dropLast())
  }

  private func eventIDs(_ lines: [String]) -> [Int] { lines.compactMap { F.object($0)?["event_id"] as? Int } }

  @Test("catchUp appends exactly the missing events; a second call appends nothing")
  func catchUpAppendsEachEventOnce() throws {
    let store = try scratch.open()
    try openAlerts(3, in: store)
    let stored = try store.alertEventLines(after: 0).map(\.line)

    #expect(!FileManager.default.fileExists(atPath: journal.path))
    #expect(try journal.catchUp(from: store) == stored)
    #expect(try text() == stored.map { $0 + "\n" }.joined())
    #expect(try journal.catchUp(from: store) == [])
    #expect(try text() == stored.map { $0 + "\n" }.joined(), "nothing duplicated")

    try openAlerts(2, from: 3, in: store)
    let appended = try journal.catchUp(from: store)
    #expect(eventIDs(appended) == [4, 5])
    #expect(eventIDs(try completeLines()) == [1, 2, 3, 4, 5])
  }

  @Test("catchUp resumes after the event_id of the file's last line")
  func catchUpResumesAfterTheLastLine() throws {
    let store = try scratch.open()
    try openAlerts(5, in: store)
    let stored = try store.alertEventLines(after: 0)
    // A journal written by an earlier run that stopped after event 2.
    try Data(stored.prefix(2).map { $0.line + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: journal.path))

    let appended = try journal.catchUp(from: store)
    #expect(appended == stored.dropFirst(2).map(\.line))
    #expect(try completeLines() == stored.map(\.line))
    #expect(try text().hasSuffix("\n"))
  }

  @Test("a last line longer than the 64 KiB read first is still found: its event id, not a whole history again")
  func aLastLineLongerThanTheFirstReadIsFound() throws {
    let store = try scratch.open()
    try openAlerts(3, in: store)
    let stored = try store.alertEventLines(after: 0)
    let filler = String(repeating: "x", count: 200_000)
    let long = "{\"event_id\":3,\"filler\":\"\(filler)\"}"
    let text = stored.prefix(2).map { $0.line + "\n" }.joined() + long + "\n"
    try Data(text.utf8).write(to: URL(fileURLWithPath: journal.path))
    let fd = open(journal.path, O_RDONLY)
    defer { close(fd) }
    let found = AlertJournal.lastWholeLine(fd: fd)
    #expect(found.0 == 3)
    #expect(found.line == long)
  }

  /// A collector killed mid-append leaves a partial last line. The fragments: cut right after the key, and cut after
  /// the digits of the very event that is missing.
  @Test(
    "a torn last line: catchUp starts a new line and appends every missing event",
    arguments: [#"{"event":"opened","event_id":"#, #"{"event":"opened","event_id":3,"at":"2026-06-"#])
  func catchUpAfterATornLine(fragment: String) throws {
    let store = try scratch.open()
    try openAlerts(2, in: store)
    try journal.catchUp(from: store)
    try openAlerts(2, from: 2, in: store)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: journal.path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(fragment.utf8))
    try handle.close()

    let appended = try journal.catchUp(from: store)
    #expect(eventIDs(appended) == [3, 4])
    let lines = try completeLines()
    #expect(try text().hasSuffix("\n"))
    #expect(lines.count == 5)
    #expect(lines[2] == fragment, "the fragment is left alone on its own line")
    let parsed = lines.enumerated().filter { $0.offset != 2 }.map(\.element)
    #expect(parsed.allSatisfy { F.object($0) != nil }, "every line but the fragment is a JSON object")
    #expect(eventIDs(parsed) == [1, 2, 3, 4])
    #expect(parsed == (try store.alertEventLines(after: 0)).map(\.line))

    // The fragment now ends a line of its own, and is not taken for the last event.
    #expect(try journal.catchUp(from: store) == [])
    try openAlerts(1, from: 4, in: store)
    #expect(eventIDs(try journal.catchUp(from: store)) == [5])
  }

  /// A power cut after a catch-up started a new line and before the rest reached the disk: the file ends with a torn
  /// line that names event 3 and is followed by a newline. It is not whole, so event 3 is written again in full.
  @Test func aTornLineEndedByANewlineIsNotTakenForItsEvent() throws {
    let store = try scratch.open()
    try openAlerts(2, in: store)
    try journal.catchUp(from: store)
    try openAlerts(2, from: 2, in: store)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: journal.path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"event":"opened","event_id":3,"at":"2026-06-"#.utf8 + [0x0A]))
    try handle.close()
    #expect(eventIDs(try journal.catchUp(from: store)) == [3, 4])
    let parsed = try completeLines().filter { F.object($0) != nil }
    #expect(parsed == (try store.alertEventLines(after: 0)).map(\.line))
  }

  /// A power cut kept journal lines the kernel had written back and took the commits they record: the database made
  /// another event 3 since (or none yet). The file is copied aside whole and written again from the database.
  @Test(arguments: [true, false])
  func aJournalAheadOfItsDatabaseIsSetAsideAndWrittenAgain(databaseMadeAnotherEvent: Bool) throws {
    let lost = try scratch.open()
    try openAlerts(3, in: lost)
    try journal.catchUp(from: lost)
    let before = try text()
    let survivor = try ScratchDatabase()
    let store = try survivor.open()
    try openAlerts(2, in: store)
    if databaseMadeAnotherEvent { try openAlerts(1, from: 5, in: store) }
    try Data(before.utf8).write(to: URL(fileURLWithPath: survivor.journal.path))

    let written = try survivor.journal.catchUp(from: store)
    let stored = try store.alertEventLines(after: 0).map(\.line)
    #expect(written == stored)
    #expect(try String(contentsOfFile: survivor.journal.path, encoding: .utf8) == stored.map { $0 + "\n" }.joined())
    let directory = URL(fileURLWithPath: survivor.journal.path).deletingLastPathComponent()
    let name = URL(fileURLWithPath: survivor.journal.path).lastPathComponent
    let aside = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
      $0.hasPrefix(name + ".ahead-")
    }
    #expect(aside.count == 1)
    #expect(try String(contentsOf: directory.appendingPathComponent(aside[0]), encoding: .utf8) == before)
    #expect(try survivor.journal.catchUp(from: store) == [], "in step again: nothing more to write")
  }

  @Test("catchUp from many threads at once writes each event exactly once, in order")
  func concurrentCatchUpsNeverDuplicate() throws {
    let store = try scratch.open()
    try openAlerts(40, in: store)
    let appended = Mutex<[Int]>([])
    let failures = Mutex<[String]>([])
    let journal = self.journal
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      do {
        let lines = try journal.catchUp(from: store)
        appended.withLock { $0 += lines.compactMap { F.object($0)?["event_id"] as? Int } }
      } catch {
        failures.withLock { $0.append("\(error)") }
      }
    }
    #expect(failures.withLock { $0 } == [])
    #expect(appended.withLock { $0 }.sorted() == Array(1...40), "the callers together appended each event once")
    #expect(eventIDs(try completeLines()) == Array(1...40))
  }

  @Test(
    "defaultPath(forDatabase:) puts <name>.alerts.jsonl next to the database",
    arguments: [
      ("/var/lib/coldtrace/coldtrace.db", "/var/lib/coldtrace/coldtrace.alerts.jsonl"),
      ("/data/site.v2.db", "/data/site.v2.alerts.jsonl"),
      ("/data/coldtrace", "/data/coldtrace.alerts.jsonl"),
      ("/tmp/coldtrace-demo/coldtrace.db", "/tmp/coldtrace-demo/coldtrace.alerts.jsonl"),
    ])
  func defaultPathSitsNextToTheDatabase(database: String, expected: String) {
    #expect(AlertJournal.defaultPath(forDatabase: database) == expected)
  }

  @Test("defaultPath(forDatabase:) of a relative database is in the working directory")
  func defaultPathOfARelativeDatabase() {
    let path = AlertJournal.defaultPath(forDatabase: "coldtrace.db")
    let cwd = FileManager.default.currentDirectoryPath
    #expect(URL(fileURLWithPath: path).standardizedFileURL.path == "\(cwd)/coldtrace.alerts.jsonl")
  }
}
