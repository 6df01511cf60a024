import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceStorage

/// The journal's hash chain, built by the store and checked by `JournalChain.verify`.
struct JournalChainTests {
  /// A journal of `count` events written by a real store, as lines.
  private func journal(events count: Int) throws -> [String] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-chain-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    let key = SensorKey(site: "hx", room: "cold2", sensor: "p1")
    let t0 = Timestamp(seconds: 1_780_000_000)
    for index in 0..<count {
      let type: AlertEventType = index % 2 == 0 ? .opened : .resolved
      let event = AlertEvent(
        type: type, key: key, kind: .tempHigh, severity: .warning, productID: "litchi",
        at: t0.adding(seconds: Double(index) * 60), limit: 5, value: 7, peak: 7, message: "event \(index)")
      _ = try store.write { tx in try tx.apply(event) }
    }
    let path = directory.appendingPathComponent("j.jsonl").path
    try AlertJournal(path: path).catchUp(from: store)
    return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  private func verify(_ files: [[String]]) -> Result<(lines: Int, head: String, torn: [String]), JournalChain.Break> {
    JournalChain.verify(files: files.enumerated().map { ("f\($0.offset)", $0.element.joined(separator: "\n") + "\n") })
  }

  @Test func anIntactJournalVerifiesAndItsHeadIsTheLastLinesHash() throws {
    let lines = try journal(events: 6)
    #expect(lines.count == 6)
    #expect(JournalChain.declaredPrevious(lines[0][...]) == JournalChain.genesis)
    let result = try verify([lines]).get()
    #expect(result.lines == 6 && result.head == JournalChain.hash(lines[5]))
  }

  @Test func aChangedRemovedOrInsertedLineIsNamed() throws {
    let lines = try journal(events: 6)
    var changed = lines
    changed[2] = changed[2].replacingOccurrences(of: "\"severity\":\"warning\"", with: "\"severity\":\"critical\"")
    guard case .failure(let broken) = verify([changed]) else {
      Issue.record("a change went unnoticed")
      return
    }
    #expect(broken.line == 4, "the line after the changed one no longer matches")
    var removed = lines
    removed.remove(at: 3)
    guard case .failure(let gap) = verify([removed]) else {
      Issue.record("a removal went unnoticed")
      return
    }
    #expect(gap.line == 4)
    var inserted = lines
    inserted.insert(lines[1], at: 2)
    guard case .failure(let extra) = verify([inserted]) else {
      Issue.record("an insertion went unnoticed")
      return
    }
    #expect(extra.line == 3)
  }

  @Test func rotatedFilesVerifyTogetherInOrderButNotOutOfOrder() throws {
    let lines = try journal(events: 6)
    let older = Array(lines[0..<4])
    let newer = Array(lines[4...])
    #expect(try verify([older, newer]).get().lines == 6)
    #expect(try verify([newer]).get().lines == 2, "archived files may be gone: the first line's prev is taken as given")
    guard case .failure(let broken) = verify([newer, older]) else {
      Issue.record("wrong order went unnoticed")
      return
    }
    #expect(broken.file == "f1" && broken.line == 1)
  }

  /// A power cut can leave a line cut short; the collector's catch-up then starts a new line and writes that event
  /// again in full. The torn line is skipped and named; the chain goes on from the last whole line before it.
  @Test func aLineTornByAPowerCutAndWrittenAgainVerifiesAndIsNamed() throws {
    let lines = try journal(events: 6)
    let tornMiddle = Array(lines[0..<3]) + [String(lines[3].prefix(100))] + Array(lines[3...])
    let middle = try verify([tornMiddle]).get()
    #expect(middle.lines == 6 && middle.torn == ["f0:4"] && middle.head == JournalChain.hash(lines[5]))
    let tornFirst = [String(lines[0].prefix(30))] + lines
    #expect(try verify([tornFirst]).get().torn == ["f0:1"], "torn before its prev: still a torn line")
    let cutShort = Array(lines[0..<3]) + [String(lines[3].prefix(100))] + Array(lines[4...])
    guard case .failure(let broken) = verify([cutShort]) else {
      Issue.record("a line cut short and not written again went unnoticed")
      return
    }
    #expect(broken.line == 5, "the line after the cut one chains to the whole line, not to the one before it")
  }
}
