import ColdTraceStorage
import Foundation
import GRDB

/// `coldtrace migrate --to postgres://…`: copies a whole SQLite database into an empty PostgreSQL database and checks
/// the copy (docs/postgresql.md, "Moving up").
///
/// - **One transaction on each side.** The SQLite database is read in one read transaction (a consistent snapshot, so
///   a collector may still be writing it; what it writes later is not copied), and everything is written to
///   PostgreSQL in one transaction, verified before it commits: an interrupted or failed copy leaves the target as
///   empty as it was (only the schema's migrations, applied first, stay), and running it again starts over.
/// - **Ids kept**: probes, alerts, journal lines, notifications, silences… keep their ids, so alerts, their journal
///   lines and their notifications stay linked; each identity sequence is set past the highest id copied.
/// - **The journal** (SQLite's `alert_events`) becomes a chain of its own, `importChain` (-1), its lines byte for
///   byte with their ids, and its head row: the collector's chains are its slots' numbers (0 and up), so neither
///   ever appends to the other. `journal_imports` records the chain, the source and its head.
/// - **Every site** named anywhere gets a `sites` row in `slot`.
/// - **Verified** before commit: each table's row count in PostgreSQL equals SQLite's, and the copied chain verifies
///   (`PostgresJournal.verify`, the same check as `coldtrace journal verify`) with the source's own head hash.
public struct SQLiteMigration {
  /// The chain the first SQLite journal copied into a database becomes.
  public static let importChain: Int32 = -1

  public struct TableCount: Sendable, Equatable {
    public let table: String
    public let sqlite: Int
    public let postgres: Int
  }

  public struct Report: Sendable {
    public var counts: [TableCount] = []
    public var sites = 0
    public var journalLines = 0
    public var journalHead = JournalChain.genesis
    public var chain = importChain
    public var readings: Int { counts.first { $0.table == "readings" }?.postgres ?? 0 }
    /// The tables whose counts differ (empty when the copy is whole).
    public var mismatches: [TableCount] { counts.filter { $0.sqlite != $0.postgres } }
  }

  /// Why a migration did not happen; nothing was written to the target.
  public enum Refusal: Error, CustomStringConvertible {
    case targetHoldsData(String)
    case unknownTables([String])
    case copyDiffers(String)
    case textWithNUL(table: String, column: String)

    public var description: String {
      switch self {
      case .targetHoldsData(let what):
        "the target database holds ColdTrace data already (\(what)): migrate copies into an empty database only"
      case .unknownTables(let names):
        "the SQLite database has tables this version cannot copy: \(names.joined(separator: ", "))"
      case .copyDiffers(let what): "the copy differs from the source, nothing was committed: \(what)"
      case .textWithNUL(let table, let column):
        "\(table).\(column) holds a text value with a NUL character, which PostgreSQL text cannot store: nothing was "
          + "committed (find it with SELECT rowid FROM \(table) WHERE instr(CAST(\(column) AS BLOB), x'00') > 0)"
      }
    }
  }

  let source: DatabaseQueue
  let sourceName: String
  public let target: PostgresConnection
  let slot: Int32
  let batchSize: Int
  let progress: (String) -> Void

  /// Opens the SQLite database at `sourcePath` read-only (a one-line `StoreError` when it is missing or not of this
  /// version's schema); nothing is read or written before `run`.
  public init(
    sourcePath: String, target: PostgresConnection, slot: Int32 = 0, batchSize: Int = 10_000,
    progress: @escaping (String) -> Void = { _ in }
  ) throws {
    source = try SQLiteStore.openReadOnly(path: sourcePath)
    sourceName = sourcePath
    self.target = target
    self.slot = slot
    self.batchSize = batchSize
    self.progress = progress
  }

  /// Applies the PostgreSQL schema, copies and verifies; throws a `Refusal` (nothing copied) or a database error
  /// (nothing committed).
  public func run() throws -> Report {
    // The schema's `CREATE TABLE IF NOT EXISTS` notice ("already exists, skipping") is no news to an operator.
    try target.execute("SET client_min_messages = warning")
    let tables = CopiedTable.all(journalChain: Int64(Self.importChain))
    let known = Set(tables.map(\.source)).union(CopiedTable.notCopied)
    let present = try source.read { db in
      try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    }
    let unknown = present.filter { !known.contains($0) }
    guard unknown.isEmpty else { throw Refusal.unknownTables(unknown) }
    try PostgresSchema.migrate(target)
    return try source.read { db in
      // A table made between the two reads would not be copied, nor counted: checked again in the snapshot.
      let now = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
      if let added = now.first(where: { !$0.hasPrefix("sqlite_") && !known.contains($0) }) {
        throw Refusal.unknownTables([added])
      }
      return try target.transaction {
        try target.execute("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.migrationLock)])
        try refuseUnlessEmpty(tables)
        var report = Report()
        report.sites = try copySites(db)
        var highest = HighestNumbers()
        for table in tables {
          let copied = try copy(table, from: db, highest: &highest)
          let sqliteCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.source)") ?? -1
          let postgresCount = Int(try target.execute("SELECT count(*) FROM \(table.target)").rows[0].int64(0))
          report.counts.append(TableCount(table: table.target, sqlite: sqliteCount, postgres: postgresCount))
          if copied != sqliteCount { progress("\(table.target): \(copied) rows read, \(sqliteCount) counted") }
          if table.hasIdentity { try advanceIdentity(of: table.target) }
        }
        try highest.store(on: target)
        try finishJournal(db, into: &report)
        let mismatches = report.mismatches
        guard mismatches.isEmpty else {
          throw Refusal.copyDiffers(
            mismatches.map { "\($0.table) \($0.sqlite) rows in SQLite, \($0.postgres) copied" }.joined(separator: "; "))
        }
        return report
      }
    }
  }

  private func refuseUnlessEmpty(_ tables: [CopiedTable]) throws {
    for table in ["sites"] + tables.map(\.target) + ["journal_imports"] {
      let holds = try target.execute("SELECT EXISTS (SELECT 1 FROM \(table))").rows[0].bool(0)
      if holds { throw Refusal.targetHoldsData("\(table) has rows") }
    }
  }

  private func copySites(_ db: Database) throws -> Int {
    let sites = try String.fetchAll(db, sql: CopiedTable.sitesQuery)
    try target.execute(
      "INSERT INTO sites (site, slot) SELECT unnest($1::text[]), $2", [.textArray(sites), .int(slot)])
    return sites.count
  }

  private func copy(_ table: CopiedTable, from db: Database, highest: inout HighestNumbers) throws -> Int {
    let isReadings = table.source == "readings"
    let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.source)") ?? 0
    let started = Date()
    var months = Set<Int64>()
    var numbers = HighestNumbers()
    // A quarantined payload may be 256 KiB: tables with blobs go in small batches.
    let blobs = table.columns.contains { $0.kind == .bytes }
    var copier = TableCopier(table: table, target: target, batchSize: blobs ? min(batchSize, 100) : batchSize)
    var nextReport = 100_000
    if isReadings {
      copier.beforeBatch = { columns in
        // Columns: source_id, ts_ms, seq, … (CopiedTable.readings).
        for (index, time) in columns[1].enumerated() {
          guard let time = time.flatMap({ Int64($0) }) else { continue }
          let month = MonthStart(containing: time).milliseconds
          if months.insert(month).inserted { try ReadingPartitions.ensureMonth(containing: month, on: target) }
          if let source = columns[0][index].flatMap({ Int64($0) }), let seq = columns[2][index].flatMap({ Int64($0) }) {
            numbers.note(source: source, seq: seq)
          }
        }
      }
    }
    copier.afterBatch = { copied in
      guard total >= 100_000, copied >= nextReport || copied == total else { return }
      nextReport += 100_000
      let seconds = Date().timeIntervalSince(started)
      progress("\(table.target): \(copied) of \(total) rows copied (\(String(format: "%.1f", seconds)) s)")
    }
    let copied = try copier.copy(from: db)
    if isReadings {
      highest = numbers
      if total >= 100_000 { progress("readings: \(copied) copied into \(months.count) monthly partitions") }
    }
    return copied
  }

  private func advanceIdentity(of table: String) throws {
    try target.execute(
      "SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT max(id) FROM \(table)), 0) + 1, false)",
      [.text(table)])
  }

  /// The copied chain's head row (the hash of the source's last line) and import record, then the chain verified as
  /// `coldtrace journal verify` checks one: its lines chain from 64 zeros, ids without a gap, to that head.
  private func finishJournal(_ db: Database, into report: inout Report) throws {
    // The head the source names: the hash of its last line. The copy's chain is checked line by line below; it ends
    // at this head only when every line was copied byte for byte.
    let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM alert_events") ?? 0
    let last = try String.fetchOne(db, sql: "SELECT line FROM alert_events ORDER BY id DESC LIMIT 1")
    let sourceHead = last.map(JournalChain.hash) ?? JournalChain.genesis
    let chain = Self.importChain
    try target.execute(
      "INSERT INTO journal_heads (chain, last_id, last_hash) VALUES ($1, $2, $3)",
      [.int(chain), .int(count), .text(sourceHead)])
    try target.execute(
      "INSERT INTO journal_imports (chain, source, lines, head_hash) VALUES ($1, $2, $3, $4)",
      [.int(chain), .text(sourceName), .int(count), .text(sourceHead)])
    if count >= 100_000 { progress("journal_lines: verifying the copied chain of \(count) lines") }
    do {
      report.journalLines = try PostgresJournal.verify(chain: chain, on: target)
    } catch let broken as ChainBreak {
      throw Refusal.copyDiffers(
        "\(broken) (if `coldtrace journal verify` finds the source's own journal file broken, that is where)")
    }
    report.journalHead = sourceHead
  }
}

/// The highest sequence number copied per probe: the `highest_seq` the group write compares new numbers with.
struct HighestNumbers {
  var bySource: [Int64: Int64] = [:]

  mutating func note(source: Int64, seq: Int64) {
    if seq > bySource[source, default: -1] { bySource[source] = seq }
  }

  func store(on connection: PostgresConnection) throws {
    guard !bySource.isEmpty else { return }
    let sources = bySource.keys.sorted()
    try connection.execute(
      """
      UPDATE sources SET highest_seq = u.seq FROM unnest($1::bigint[], $2::bigint[]) AS u(id, seq)
      WHERE sources.id = u.id
      """, [.intArray(sources), .intArray(sources.map { bySource[$0] ?? -1 })])
  }
}
