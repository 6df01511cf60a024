import ColdTraceCore
import GRDB
import GRDBSQLite

/// One row of `readings` as the ingest inserts it, bound through SQLite's C API on GRDB's cached statement (which
/// spares boxing eight arguments per reading): `NewSampleWriter.insertEach` one row a statement, its `store` up to
/// 16.
struct ReadingRow {
  var source: Int64
  var ts: Int64
  var stored: StoredSample
  var error: String?
  /// A room signal's state (docs/protocol.md, "Reading payload"): 1 on or open, 0 off or closed, `nil` in a probe's row.
  var defrost: Int64?
  var doorOpen: Int64?
  /// `TimeQuality.storedCode`, `nil` for a trusted time.
  var timeQuality: Int64?

  /// Parameters bound per row.
  static let columnCount: CInt = 9

  init(_ sample: Sample, source: Int64) {
    self.source = source
    ts = sample.ts.milliseconds
    stored = StoredSample(sample)
    error = sample.error
    defrost = sample.defrost.map { $0 ? 1 : 0 }
    doorOpen = sample.doorOpen.map { $0 ? 1 : 0 }
    timeQuality = sample.timeQuality?.storedCode
  }

  /// `INSERT OR IGNORE` of `rows` rows.
  static func insertSQL(rows: Int) -> String {
    let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    return "INSERT OR IGNORE INTO readings (source_id, ts_ms, seq, temp_mc, rh_mpct, error, defrost, door_open, "
      + "time_quality) VALUES \(values)"
  }

  /// Binds the nine columns from parameter `first` on; the error text is copied by SQLite.
  func bind(to statement: SQLiteStatement, at first: CInt) {
    sqlite3_bind_int64(statement, first, source)
    sqlite3_bind_int64(statement, first + 1, ts)
    sqlite3_bind_int64(statement, first + 2, stored.seq)
    Self.bind(stored.milliTemperature, to: statement, at: first + 3)
    Self.bind(stored.milliHumidity, to: statement, at: first + 4)
    if let error {
      sqlite3_bind_text(statement, first + 5, error, -1, sqliteCopiesText)
    } else {
      sqlite3_bind_null(statement, first + 5)
    }
    Self.bind(defrost, to: statement, at: first + 6)
    Self.bind(doorOpen, to: statement, at: first + 7)
    Self.bind(timeQuality, to: statement, at: first + 8)
  }

  /// `sample` as this row stores it: temperature and humidity at 0.001 resolution, what every later read gives.
  func storedSample(of sample: Sample) -> Sample {
    Sample(
      seq: sample.seq, ts: sample.ts, tempC: StoredSample.value(stored.milliTemperature),
      rhPct: StoredSample.value(stored.milliHumidity), error: sample.error, defrost: sample.defrost,
      doorOpen: sample.doorOpen, timeQuality: sample.timeQuality)
  }

  /// GRDB's error for a failed step, with SQLite's extended code, so `SQLiteStore.isTransient` and the collector's
  /// retries see a full disk as with GRDB's own statements.
  static func failure(_ code: CInt, in db: Database, sql: String) -> DatabaseError {
    let connection = db.sqliteConnection
    let message = connection.map { String(cString: sqlite3_errmsg($0)) }
    let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
    return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: sql)
  }

  private static func bind(_ value: Int64?, to statement: SQLiteStatement, at index: CInt) {
    if let value {
      sqlite3_bind_int64(statement, index, value)
    } else {
      sqlite3_bind_null(statement, index)
    }
  }
}

/// `SQLITE_TRANSIENT`: SQLite copies text bound with this destructor. The C macro does not reach Swift.
private let sqliteCopiesText = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
