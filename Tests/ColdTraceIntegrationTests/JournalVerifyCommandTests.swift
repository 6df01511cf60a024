import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace journal verify` on a journal a power cut tore inside a multi-byte character: the torn bytes are not
/// valid UTF-8, and the command still checks the chain, names the torn line and passes (the power-cut suite found it
/// refusing such a journal as unreadable).
@Suite(.timeLimit(.minutes(10)))
struct JournalVerifyCommandTests {
  @Test func aLineTornInsideAVietnameseCharacterIsNamedAndTheChainStillVerifies() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-jv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    let key = SensorKey(site: "hx", room: "cold2", sensor: "p1")
    for index in 0..<4 {
      let event = AlertEvent(
        type: index % 2 == 0 ? .opened : .resolved, key: key, kind: .tempHigh, severity: .warning,
        productID: "litchi", at: Timestamp(seconds: 1_780_000_000).adding(seconds: Double(index) * 60), limit: 5,
        value: 7, peak: 7,
        message: "Nhiệt độ cao \(index)")
      _ = try store.write { tx in try tx.apply(event) }
    }
    let path = directory.appendingPathComponent("alerts.jsonl").path
    try AlertJournal(path: path).catchUp(from: store)
    let whole = try #require(FileManager.default.contents(atPath: path))
    let lines = whole.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { Array($0) }
    #expect(lines.count == 4)
    // The third line cut one byte into its first multi-byte character, then written again whole after it.
    let third = lines[2]
    let firstMultiByte = try #require(third.firstIndex { $0 >= 0xC0 })
    let torn = Array(third[..<(firstMultiByte + 1)])
    #expect(String(validating: torn, as: UTF8.self) == nil, "the torn line is not valid UTF-8")
    var journal: [UInt8] = []
    for line in lines[0..<2] + [torn] + lines[2...] { journal += line + [UInt8(ascii: "\n")] }
    try Data(journal).write(to: URL(fileURLWithPath: path))

    let verified = try Executables.run(Executables.product("coldtrace"), ["journal", "verify", path])
    #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
    #expect(verified.stdout.contains("ok: 4 lines chained"), "\(verified.stdout)")
    #expect(verified.stdout.contains("1 torn lines left by a crash skipped (\(path):3)"), "\(verified.stdout)")

    // A whole line changed into invalid UTF-8 is not taken as torn: the chain breaks at the line after it.
    var changed = lines
    changed[1][changed[1].count - 10] = 0xFF
    var tampered: [UInt8] = []
    for line in changed { tampered += line + [UInt8(ascii: "\n")] }
    try Data(tampered).write(to: URL(fileURLWithPath: path))
    let broken = try Executables.run(Executables.product("coldtrace"), ["journal", "verify", path])
    #expect(broken.status == 1, "\(broken.stdout) \(broken.stderr)")
  }
}
