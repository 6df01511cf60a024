import ColdTraceCore
import GRDB
import GRDBSQLite

/// Stores, within one ingest transaction, samples that cannot be stored already, several rows per `INSERT`.
///
/// A sample whose `seq` is above the highest its source has stored (`highestSequence`) is new by definition: the
/// table's key and its `(source_id, seq)` index both contain the number. Such samples are the usual case (an agent's
/// numbers arrive in order). They wait here in one group per source, and a group is written as one statement when it
/// holds 16 rows, or at `flush()`:
/// - a row costs SQLite about a fifth less than with one statement per row (benchmarks/README.md);
/// - a statement of one source touches one or two pages of the table and of the index, so the statement journal
///   SQLite keeps for it (the foreign key on `source_id` could abort it) stays small and in memory. Rows of many
///   sources in one statement spilled that journal to a temporary file, a write per page.
///
/// Samples without `seq` (a `[[source]]`'s) later than every reading stored of their source (`latestTime`) are new
/// by definition too: such a row's key is (source, time, no `seq`). They take the same statements.
///
/// Anything else goes through `insertEach` (`WriteTransaction.insertNew` on this writer's statement), which learns
/// row by row what was new: call `flush()` before it and before the transaction commits, so every row is in the
/// table by then.
///
/// Each statement must change as many rows as it carries; one that changes fewer means a sample believed new was
/// stored already, and the transaction fails (nothing of it is kept) rather than report a sample new twice.
public final class NewSampleWriter {
  static let rowsPerStatement = 16
  private let db: Database
  /// Rows waiting to be written, by the caller's group number (one per source).
  private var waiting: [[ReadingRow]] = []
  /// The insert of n rows at index n - 1, prepared on first use.
  private var inserts: [Statement?] = Array(repeating: nil, count: rowsPerStatement)

  init(db: Database) { self.db = db }

  /// The highest `seq` stored for `source`, or -1 when it has none: samples above it are new.
  public func highestSequence(source: Int64) throws -> Int64 {
    try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT MAX(seq) FROM readings WHERE source_id = ? AND seq >= 0"), arguments: [source]
    ) ?? StoredSample.noSequence
  }

  /// The latest time stored of `source`, numbered or not, in ms (`Int64.min` when it has none): a sample without
  /// `seq` later than it is new.
  public func latestTime(source: Int64) throws -> Int64 {
    try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT MAX(ts_ms) FROM readings WHERE source_id = ?"), arguments: [source])
      ?? Int64.min
  }

  /// Queues `samples` of `source`, every one numbered above `highestSequence(source:)`, or every one without `seq`
  /// and later than `latestTime(source:)` (the caller checks), and returns them as stored (`StoredSample`
  /// resolution), as `insertNew` returns new samples. `group` is the caller's small number for the source (an
  /// index), the same for every call about it within the transaction.
  public func store(_ samples: [Sample], source: Int64, group: Int) throws -> [Sample] {
    while waiting.count <= group { waiting.append([]) }
    var stored: [Sample] = []
    stored.reserveCapacity(samples.count)
    for sample in samples {
      let row = ReadingRow(sample, source: source)
      waiting[group].append(row)
      if waiting[group].count == Self.rowsPerStatement { try write(group) }
      stored.append(row.storedSample(of: sample))
    }
    return stored
  }

  /// Stores the samples of `source` that are not stored yet, one statement per row (its change count says whether
  /// the row was new), and returns exactly those, in order, as stored. Call `flush()` first.
  public func insertEach(_ samples: [Sample], source: Int64) throws -> [Sample] {
    let insert = try statement(rows: 1)
    let statement = insert.sqliteStatement
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }
    var fresh: [Sample] = []
    fresh.reserveCapacity(samples.count)
    for sample in samples {
      let row = ReadingRow(sample, source: source)
      sqlite3_reset(statement)
      row.bind(to: statement, at: 1)
      let code = sqlite3_step(statement)
      guard code == SQLITE_DONE else { throw ReadingRow.failure(code, in: db, sql: insert.sql) }
      // SQLite's own count: GRDB's `changesCount` checks the calling queue first, a cost per row here.
      if sqlite3_changes(sqlite3_db_handle(statement)) > 0 { fresh.append(row.storedSample(of: sample)) }
    }
    return fresh
  }

  /// Writes every row still waiting.
  public func flush() throws {
    for group in waiting.indices where !waiting[group].isEmpty { try write(group) }
  }

  private func write(_ group: Int) throws {
    defer { waiting[group].removeAll(keepingCapacity: true) }
    try execute(statement(rows: waiting[group].count), rows: waiting[group][...])
  }

  private func statement(rows: Int) throws -> Statement {
    if let prepared = inserts[rows - 1] { return prepared }
    let made = try db.cachedStatement(sql: ReadingRow.insertSQL(rows: rows))
    inserts[rows - 1] = made
    return made
  }

  private func execute(_ insert: Statement, rows: ArraySlice<ReadingRow>) throws {
    let statement = insert.sqliteStatement
    sqlite3_reset(statement)
    for (offset, row) in rows.enumerated() { row.bind(to: statement, at: CInt(offset) * ReadingRow.columnCount + 1) }
    let code = sqlite3_step(statement)
    let changed = db.changesCount
    sqlite3_reset(statement)
    sqlite3_clear_bindings(statement)
    guard code == SQLITE_DONE else { throw ReadingRow.failure(code, in: db, sql: insert.sql) }
    guard changed == rows.count else {
      throw StoreError("\(rows.count - changed) of \(rows.count) samples believed new were stored already")
    }
  }
}
