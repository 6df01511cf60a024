import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace lot show` lists the lot's legs imported from standalone loggers (`coldtrace import`), as an operator
/// runs it on a real database file: period in the site's zone (or UTC with `--utc`), logger, file, the file's SHA-256
/// prefix and readings; `--json` carries them as `imported_legs`, empty for a lot without legs.
@Suite(.timeLimit(.minutes(10)))
struct LotShowLegsTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/loggers")

  private func show(_ arguments: [String], db: String) throws -> String {
    let shown = try Executables.coldtrace(["lot", "show"] + arguments, db: db)
    #expect(shown.status == 0, "\(shown.stderr)")
    return shown.stdout
  }

  @Test func lotShowListsTheImportedLegs() throws {
    let db = try TemporaryDirectory.make(prefix: "lotshowlegs").appendingPathComponent("coldtrace.db").path
    for lot in ["LT-1", "LT-2"] {
      let added = try Executables.coldtrace(
        ["lot", "add", lot, "--product", "litchi", "--room", "hx/cold2", "--at", "2026-06-12T08:00:00+07:00"], db: db)
      #expect(added.status == 0, "\(added.stderr)")
    }
    let file = Self.fixtures.appendingPathComponent("generic.csv")
    let imported = try Executables.coldtrace(
      [
        "import", "--lot", "LT-1", "--leg", "farm-packhouse", file.path, "--logger", "RC-5 EF001234", "--by", "lan",
        "--time-column", "time", "--temp-column", "temp_c", "--rh-column", "rh_pct",
      ], db: db)
    #expect(imported.status == 0, "\(imported.stderr)")
    let sha256 = JournalChain.hash(bytes: [UInt8](try Data(contentsOf: file)))

    let text = try show(["LT-1"], db: db)
    let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("farm-packhouse") }, "\(text)")
    let cells = row.split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    #expect(
      cells == [
        "farm-packhouse", "2026-06-11 14:00", "2026-06-11 17:00", "RC-5 EF001234", "generic.csv",
        String(sha256.prefix(12)), "7",
      ], "\(text)")
    #expect(text.contains("IMPORTED LEG") && text.contains("READINGS"), "\(text)")
    #expect(text.hasSuffix("times in Asia/Ho_Chi_Minh (+07:00)\n"), "\(text)")
    let utc = try show(["LT-1", "--utc"], db: db)
    #expect(utc.contains("2026-06-11 07:00") && utc.contains("2026-06-11 10:00"), "\(utc)")
    #expect(!(try show(["LT-2"], db: db)).contains("IMPORTED LEG"))

    let json = try show(["LT-1", "--json"], db: db)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let legs = try #require(object["imported_legs"] as? [[String: Any]])
    #expect(legs.count == 1)
    #expect(legs.first?["leg"] as? String == "farm-packhouse" && legs.first?["logger"] as? String == "RC-5 EF001234")
    #expect(legs.first?["file"] as? String == "generic.csv" && legs.first?["file_sha256"] as? String == sha256)
    #expect(legs.first?["from"] as? String == "2026-06-11T07:00:00.000Z", "\(json)")
    #expect(legs.first?["to"] as? String == "2026-06-11T10:00:00.000Z" && legs.first?["readings"] as? Int == 7)
    #expect(legs.first?["imported_by"] as? String == "lan" && legs.first?["imported_at"] is String)
    let other = try #require(
      try JSONSerialization.jsonObject(with: Data(try show(["LT-2", "--json"], db: db).utf8)) as? [String: Any])
    #expect((other["imported_legs"] as? [Any])?.isEmpty == true)
  }
}
