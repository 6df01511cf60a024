import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace import` as an operator runs it, on the logger fixtures (`Tests/Fixtures/loggers`) and a real database
/// file: a leg imported once however often the file is given, journalled; a bad row, an unknown lot, an overlapping
/// leg or a reused leg name refused with one line and exit 2, nothing stored; the lot report showing the leg.
@Suite(.timeLimit(.minutes(10)))
struct LegImportCommandTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/loggers")

  private static let generic = [
    "--time-column", "time", "--temp-column", "temp_c", "--rh-column", "rh_pct", "--by", "lan",
  ]

  private func lotDatabase() throws -> String {
    let db = try TemporaryDirectory.make(prefix: "legimport").appendingPathComponent("coldtrace.db").path
    let added = try Executables.coldtrace(
      ["lot", "add", "LT-1", "--product", "litchi", "--room", "hx/cold2", "--at", "2026-06-12T08:00:00+07:00"], db: db)
    #expect(added.status == 0, "\(added.stderr)")
    return db
  }

  private func legs(_ db: String) throws -> [ImportedLeg] {
    try SQLiteStore(path: db, create: false).reportInput(lot: "LT-1", now: Timestamp(seconds: 1_781_300_000))?.legs
      ?? []
  }

  private func file(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

  /// Times written without an offset are the lot's site's local time: a site in Europe/Berlin reads a summer file
  /// at +02:00, the default zone at +07:00, and `--utc-offset` overrides both.
  @Test func localTimesAreReadInTheLotsSiteZone() throws {
    let directory = try TemporaryDirectory.make(prefix: "legimport-zone")
    let db = directory.appendingPathComponent("coldtrace.db").path
    let config = directory.appendingPathComponent("collector.toml").path
    try "[sites.berlin]\ntime_zone = \"Europe/Berlin\"\n".write(toFile: config, atomically: true, encoding: .utf8)
    let csv = directory.appendingPathComponent("truck.csv").path
    try "time,temp_c\n2026-07-01 12:00:00,4\n2026-07-01 12:10:00,4.5\n".write(
      toFile: csv, atomically: true, encoding: .utf8)
    for (lot, room) in [("LT-B", "berlin/cold1"), ("LT-V", "hx/cold2"), ("LT-O", "berlin/cold2")] {
      let added = try Executables.coldtrace(
        ["lot", "add", lot, "--product", "litchi", "--room", room, "--at", "2026-07-02T08:00:00Z"], db: db)
      #expect(added.status == 0, "\(added.stderr)")
    }
    let common = ["--time-column", "time", "--temp-column", "temp_c", "--by", "lan", "--config", config]
    for (lot, extra) in [("LT-B", []), ("LT-V", []), ("LT-O", ["--utc-offset", "+00:00"])] {
      let imported = try Executables.coldtrace(
        ["import", "--lot", lot, "--leg", "truck", csv] + common + extra, db: db)
      #expect(imported.status == 0, "\(imported.stderr)")
    }
    let store = try SQLiteStore(path: db, create: false)
    let first = { (lot: String) in
      try store.reportInput(lot: lot, now: Timestamp(seconds: 1_790_000_000))?.legs.first?.from
    }
    #expect(try first("LT-B") == Timestamp.parseRFC3339("2026-07-01T10:00:00Z"))
    #expect(try first("LT-V") == Timestamp.parseRFC3339("2026-07-01T05:00:00Z"))
    #expect(try first("LT-O") == Timestamp.parseRFC3339("2026-07-01T12:00:00Z"))
  }

  @Test func aLegIsImportedOnceJournalledAndReported() throws {
    let db = try lotDatabase()
    let arguments = ["import", "--lot", "LT-1", "--leg", "farm-packhouse", file("generic.csv")] + Self.generic
    let first = try Executables.coldtrace(arguments + ["--logger", "RC-5 EF001234"], db: db)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.hasPrefix("lot LT-1 leg farm-packhouse: 7 readings from generic.csv"), "\(first.stdout)")
    let again = try Executables.coldtrace(arguments, db: db)
    #expect(again.status == 0 && again.stdout.contains("was already imported"), "\(again.stdout)\(again.stderr)")
    let renamed = try Executables.coldtrace(
      ["import", "--lot", "LT-1", "--leg", "other", file("generic.csv")] + Self.generic, db: db)
    #expect(renamed.status == 0 && renamed.stdout.contains("as leg farm-packhouse"), "\(renamed.stdout)")
    let stored = try legs(db)
    #expect(stored.map(\.name) == ["farm-packhouse"] && stored[0].series.count == 7)
    #expect(stored[0].logger == "RC-5 EF001234" && stored[0].importedBy == "lan")
    let bytes = try Data(contentsOf: Self.fixtures.appendingPathComponent("generic.csv"))
    #expect(stored[0].fileSHA256 == JournalChain.hash(bytes: [UInt8](bytes)))
    let journal = try String(contentsOfFile: AlertJournal.defaultPath(forDatabase: db), encoding: .utf8)
    let lines = journal.split(separator: "\n").filter { $0.contains("\"event\":\"leg_imported\"") }
    #expect(lines.count == 1 && lines[0].contains("\"rows\":7") && lines[0].contains("\"by\":\"lan\""), "\(journal)")
    #expect(try Executables.coldtrace(["journal", "verify"], db: db).status == 0)

    let fahrenheit = try Executables.coldtrace(
      [
        "import", "--lot", "LT-1", "--leg", "packhouse-port", file("fahrenheit.csv"), "--time-format", "epoch",
        "--unit", "F",
      ], db: db)
    #expect(fahrenheit.status == 0, "\(fahrenheit.stderr)")
    let report = try Executables.coldtrace(["report", "LT-1", "--format", "json"], db: db)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
    let reported = try #require(object["imported_legs"] as? [[String: Any]])
    #expect(reported.map { $0["leg"] as? String } == ["farm-packhouse", "packhouse-port"])
    #expect(reported.allSatisfy { $0["source"] as? String == "imported" })
    let text = try Executables.coldtrace(["report", "LT-1"], db: db)
    #expect(text.stdout.contains("Legs imported from standalone loggers") && text.stdout.contains("Leg packhouse-port"))
  }

  @Test(arguments: [
    (
      ["--leg", "truck", "bad-row.csv", "--time-column", "time", "--temp-column", "temp_c"],
      "bad-row.csv:4: cannot read"
    ),
    (["--leg", "truck", "generic.csv", "--temp-column", "temperature"], "generic.csv:1: --temp-column"),
    (["--leg", "truck", "missing.csv"], "cannot read"),
    (["--leg", "truck", "generic.csv", "--delimiter", ";;"], "--delimiter"),
    (["--leg", "truck", "generic.csv", "--time-format", "HH:mm"], "--time-format"),
    (["--leg", "truck/1", "generic.csv"], "--leg"),
    (
      [
        "--leg", "farm-packhouse", "decimal-comma.csv", "--delimiter", ";", "--decimal-comma", "--skip-lines", "3",
        "--time-column", "Ngày+Giờ", "--time-format", "dd/MM/yyyy HH:mm", "--temp-column", "Nhiệt độ",
      ],
      "already has leg farm-packhouse"
    ),
    (
      ["--leg", "truck2", "overlap.csv", "--time-column", "time", "--temp-column", "temp_c"],
      "overlaps leg farm-packhouse"
    ),
  ])
  func badImportsExitTwoWithOneLineAndStoreNothing(arguments: [String], message: String) throws {
    let db = try lotDatabase()
    let good = ["import", "--lot", "LT-1", "--leg", "farm-packhouse", file("generic.csv")] + Self.generic
    #expect(try Executables.coldtrace(good, db: db).status == 0)
    let before = try legs(db)
    var resolved = arguments.map { $0.hasSuffix(".csv") ? file($0) : $0 }
    if arguments.contains("overlap.csv") {
      let overlap = try TemporaryDirectory.make(prefix: "legoverlap").appendingPathComponent("overlap.csv")
      try "time,temp_c\n2026-06-11 16:45:00,4.0\n2026-06-11 18:00:00,4.1\n".write(
        to: overlap, atomically: true, encoding: .utf8)
      resolved = resolved.map { $0.hasSuffix("overlap.csv") ? overlap.path : $0 }
    }
    let result = try Executables.coldtrace(["import", "--lot", "LT-1"] + resolved, db: db)
    #expect(result.status == 2, "\(result.stdout)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(try legs(db) == before)
  }

  @Test func presetsReadTheirLoggersExports() throws {
    let db = try lotDatabase()
    for (leg, preset, name) in [("reefer", "tinytag", "tinytag.csv"), ("port-truck", "tandd", "tandd.csv")] {
      let result = try Executables.coldtrace(
        ["import", "--lot", "LT-1", "--leg", leg, file(name), "--preset", preset, "--rh-column", "4"], db: db)
      #expect(result.status == 0, "\(preset): \(result.stderr)")
    }
    let stored = try legs(db)
    #expect(stored.map(\.name) == ["reefer", "port-truck"] && stored.map(\.series.count) == [5, 5])
    #expect(stored[0].series.humidities.first == 90.2 && stored[1].series.temperatures.last == 4.7)
    let unknown = try Executables.coldtrace(
      ["import", "--lot", "LT-1", "--leg", "x", file("tandd.csv"), "--preset", "elitech"], db: db)
    #expect(
      unknown.status == 2 && unknown.stderr.contains("--preset must be one of tinytag, tandd"), "\(unknown.stderr)")
  }

  @Test func theSealCoversTheLegsAReportWasMadeWith() throws {
    let db = try lotDatabase()
    let directory = URL(fileURLWithPath: db).deletingLastPathComponent()
    let closed = try Executables.coldtrace(["lot", "close", "LT-1", "--at", "2026-06-13T08:00:00+07:00"], db: db)
    #expect(closed.status == 0, "\(closed.stderr)")
    let before = directory.appendingPathComponent("before.json").path
    #expect(try Executables.coldtrace(["report", "LT-1", "--format", "json", "--out", before], db: db).status == 0)
    #expect(try Executables.coldtrace(["report", "LT-1", "--verify", before], db: db).status == 0)
    let imported = try Executables.coldtrace(
      ["import", "--lot", "LT-1", "--leg", "truck", file("generic.csv")] + Self.generic, db: db)
    #expect(imported.status == 0, "\(imported.stderr)")
    let stale = try Executables.coldtrace(["report", "LT-1", "--verify", before], db: db)
    #expect(stale.status == 1 && stale.stdout.hasPrefix("mismatch:"), "\(stale.stdout)\(stale.stderr)")
    #expect(stale.stdout.contains("imported legs changed"), "\(stale.stdout)")
    let after = directory.appendingPathComponent("after.json").path
    #expect(try Executables.coldtrace(["report", "LT-1", "--format", "json", "--out", after], db: db).status == 0)
    let verified = try Executables.coldtrace(["report", "LT-1", "--verify", after], db: db)
    #expect(verified.status == 0 && verified.stdout.hasPrefix("match:"), "\(verified.stdout)\(verified.stderr)")
  }

  @Test func anUnknownLotIsRefused() throws {
    let db = try lotDatabase()
    let result = try Executables.coldtrace(
      ["import", "--lot", "LT-404", "--leg", "truck", file("generic.csv")] + Self.generic, db: db)
    #expect(result.status == 2 && result.stderr.contains("no lot LT-404"), "\(result.stderr)")
    #expect(try legs(db).isEmpty)
  }
}

extension LegImportCommandTests {
  /// A file past 64 MiB is no logger's export: refused with one line before it is read into memory, nothing stored.
  /// The file is sparse, so the test writes no 64 MiB.
  @Test func anOversizedFileIsRefusedUnread() throws {
    let db = try lotDatabase()
    let huge = try TemporaryDirectory.make(prefix: "leghuge").appendingPathComponent("huge.csv")
    try Data("time,temp_c\n2026-06-11 14:00:00,4.0\n".utf8).write(to: huge)
    let handle = try FileHandle(forWritingTo: huge)
    try handle.truncate(atOffset: (64 << 20) + 1)
    try handle.close()
    let result = try Executables.coldtrace(
      ["import", "--lot", "LT-1", "--leg", "truck", huge.path] + Self.generic, db: db)
    #expect(result.status == 2, "\(result.stdout)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.contains("huge.csv is larger than 64 MiB"), "\(result.stderr)")
    #expect(try legs(db).isEmpty)
  }

  /// docs/operations.md's `coldtrace import` examples, word for word, on fixtures shaped like the files they describe.
  @Test func theOperatorGuidesExamplesRunAsWritten() throws {
    let db = try TemporaryDirectory.make(prefix: "legguide").appendingPathComponent("coldtrace.db").path
    let added = try Executables.coldtrace(
      ["lot", "add", "LT-2026-0612", "--product", "litchi", "--room", "hx/cold2", "--at", "2026-06-12T08:00:00+07:00"],
      db: db)
    #expect(added.status == 0, "\(added.stderr)")
    let block = try GuideExamples.block("docs/operations.md", containing: "--leg farm-packhouse truck-29C12345.csv")
    let files = [
      "truck-29C12345.csv": "generic.csv", "xe-lanh.csv": "decimal-comma.csv", "reefer.csv": "fahrenheit.csv",
      "tinytag-731402.csv": "tinytag.csv",
    ]
    let commands = block.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n")
      .filter { $0.hasPrefix("coldtrace ") }.map { Self.words(String($0)) }
    #expect(commands.count == 6)
    for words in commands {
      let arguments = words.dropFirst().map { files[$0].map(file) ?? $0 }
      let result = try Executables.coldtrace(arguments, db: db)
      #expect(result.status == 0, "\(words.joined(separator: " ")): \(result.stderr)")
    }
    let legs = try SQLiteStore(path: db, create: false).reportInput(
      lot: "LT-2026-0612", now: Timestamp(seconds: 1_781_300_000))?.legs
    #expect(legs?.map(\.name) == ["farm-packhouse", "packhouse-port", "reefer", "port-truck"])
    #expect(legs?.map(\.series.count) == [7, 5, 5, 5])
  }

  /// A shell line's words: spaces separate, double quotes group, an unquoted `#` starts a comment.
  static func words(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quoted = false
    var inWord = false
    for character in line {
      if character == "\"" {
        quoted.toggle()
        inWord = true
      } else if character == " " && !quoted {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else if character == "#" && !quoted && !inWord {
        break
      } else {
        current.append(character)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }
}
