import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace lot ...` as an operator types it, against a real database file.
@Suite(.timeLimit(.minutes(10)))
struct LotCommandTests {
  private func run(_ arguments: [String], db: String) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(Executables.product("coldtrace"), arguments + ["--db", db])
  }

  @Test func addMoveShowCloseAndListTellTheLotsStory() throws {
    let db = try TemporaryDirectory.make(prefix: "lotcli").appendingPathComponent("coldtrace.db").path
    let added = try run(
      [
        "lot", "add", "LT-2026-0612", "--product", "litchi", "--room", "hongxuan/cold2", "--market", "eu",
        "--at", "2026-06-12T06:00:00+07:00",
      ], db: db)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout.contains("lot LT-2026-0612 (litchi) in hongxuan/cold2 from 2026-06-11T23:00:00.000Z"))
    let moved = try run(
      ["lot", "move", "LT-2026-0612", "--room", "hongxuan/cold3", "--at", "2026-06-13T00:00:00Z"], db: db)
    #expect(moved.status == 0, "\(moved.stderr)")
    let shown = try run(["lot", "show", "LT-2026-0612", "--json"], db: db)
    #expect(shown.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
    #expect(object["product"] as? String == "litchi" && object["market"] as? String == "eu")
    let rooms = try #require(object["rooms"] as? [[String: Any]])
    #expect(rooms.map { $0["room"] as? String } == ["cold2", "cold3"])
    #expect(rooms[0]["to"] as? String == "2026-06-13T00:00:00.000Z")
    #expect(rooms[1]["to"] is NSNull)
    let closed = try run(["lot", "close", "LT-2026-0612", "--at", "2026-06-20T00:00:00Z"], db: db)
    #expect(closed.status == 0, "\(closed.stderr)")
    let listed = try run(["lot", "list"], db: db)
    #expect(listed.stdout.contains("LT-2026-0612") && listed.stdout.contains("closed"))
  }

  @Test(arguments: [
    ["lot", "add", "LT-1", "--product", "bananas", "--room", "hx/cold1"],
    ["lot", "add", "LT/1", "--product", "litchi", "--room", "hx/cold1"],
    ["lot", "add", "LT-2", "--product", "litchi", "--room", "hx"],
    ["lot", "add", "LT-2", "--product", "litchi", "--room", "hx/cold1", "--at", "someday"],
    ["lot", "add", "LT-0", "--product", "litchi", "--room", "hx/cold9"],
    ["lot", "move", "LT-0", "--room", "hx/cold0", "--at", "2000-01-01T00:00:00Z"],
    ["lot", "move", "LT-404", "--room", "hx/cold2"],
    ["lot", "show", "LT-404"],
  ])
  func badLotCommandsExitTwoWithOneLineAndChangeNothing(arguments: [String]) throws {
    let db = try TemporaryDirectory.make(prefix: "lotcli").appendingPathComponent("coldtrace.db").path
    #expect(try run(["lot", "add", "LT-0", "--product", "litchi", "--room", "hx/cold0"], db: db).status == 0)
    let before = try SQLiteStore(path: db, create: false).lots()
    let result = try run(arguments, db: db)
    #expect(result.status == 2)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(try SQLiteStore(path: db, create: false).lots() == before)
  }
}
