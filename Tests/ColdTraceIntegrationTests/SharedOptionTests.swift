import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// The options several commands share say the same thing everywhere: a bad `--lang` (report, report room, alerts,
/// notify status), a malformed `--utc-offset` or both `--utc` and `--utc-offset` (report, report room) are one line
/// and exit 2, with nothing on standard output.
@Suite(.timeLimit(.minutes(10)))
struct SharedOptionTests {
  static let commands = [["report", "LT-7"], ["report", "room", "hx/cold2", "--from", "7d"], ["alerts"]]

  private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let db = try TemporaryDirectory.make(prefix: "shared-options").appendingPathComponent("coldtrace.db").path
    _ = try SQLiteStore(path: db)
    return try Executables.run(Executables.product("coldtrace"), arguments + ["--db", db], environment: ["LANG": "C"])
  }

  private func expectUsageError(_ arguments: [String], _ message: String) throws {
    let result = try run(arguments)
    #expect(result.status == 2, "\(arguments)")
    #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
    #expect(result.stderr == "coldtrace: \(message)\n", "\(arguments)")
  }

  @Test(arguments: commands + [["notify", "status"]])
  func aBadLanguage(command: [String]) throws {
    try expectUsageError(command + ["--lang", "fr"], #"--lang must be en or vi, not "fr""#)
  }

  @Test(arguments: commands.prefix(2))
  func aBadOffsetOrBothTimeOptions(command: [String]) throws {
    try expectUsageError(command + ["--utc-offset", "7"], #"--utc-offset must look like +07:00 or -05:30, not "7""#)
    try expectUsageError(command + ["--utc", "--utc-offset", "+07:00"], "give either --utc or --utc-offset, not both")
  }
}
