import GRDB

/// Copies one SQLite table into PostgreSQL in batches: each batch is one `INSERT … SELECT FROM unnest(…)` with an
/// array parameter per column (as `SlotTransaction.insertReadings` binds its readings), so a million rows are a few
/// hundred statements. Runs inside the caller's SQLite read transaction and PostgreSQL transaction.
struct TableCopier {
  let table: CopiedTable
  let target: PostgresConnection
  let batchSize: Int
  /// Called before each batch is inserted with the batch's rows (column-major text values), for what the copy needs
  /// besides the rows themselves (the readings' months and highest numbers).
  var beforeBatch: ([[String?]]) throws -> Void = { _ in }
  /// Called after each batch with the rows copied so far.
  var afterBatch: (Int) -> Void = { _ in }

  /// Copies every row in key order; returns how many.
  func copy(from db: Database) throws -> Int {
    let insert = table.insertStatement
    var columns = [[String?]](repeating: [], count: table.columns.count)
    var copied = 0
    func flush() throws {
      guard !columns[0].isEmpty else { return }
      try beforeBatch(columns)
      try target.execute(
        insert,
        zip(table.columns, columns).map { column, values in
          column.kind == .text ? .textArray(values) : .text(PostgresValue.arrayText(values, quoted: false))
        })
      copied += columns[0].count
      afterBatch(copied)
      for index in columns.indices { columns[index].removeAll(keepingCapacity: true) }
    }
    // SQLite's text may hold a NUL character; PostgreSQL's cannot, and a C string (the value as read, as sent) ends
    // there: such a table is refused, never copied cut short.
    for column in table.columns where column.kind == .text {
      let sql = "SELECT 1 FROM \(table.source) WHERE instr(CAST(\(column.name) AS BLOB), x'00') > 0 LIMIT 1"
      if try Row.fetchOne(db, sql: sql) != nil {
        throw SQLiteMigration.Refusal.textWithNUL(table: table.source, column: column.name)
      }
    }
    let cursor = try Row.fetchCursor(db, sql: table.selectStatement)
    while let row = try cursor.next() {
      for (index, column) in table.columns.enumerated() {
        columns[index].append(Self.text(row[index] as DatabaseValue, as: column.kind))
      }
      if columns[0].count == batchSize { try flush() }
    }
    try flush()
    return copied
  }

  /// A stored value as PostgreSQL reads an element of the column's array (`nil`: NULL). SQLite may hold a value of
  /// another storage class than the column's declared type (type affinity): it is converted, never dropped.
  static func text(_ value: DatabaseValue, as kind: CopiedTable.Kind) -> String? {
    switch value.storage {
    case .null: return nil
    case .int64(let number):
      switch kind {
      case .flag: return number != 0 ? "t" : "f"
      case .bytes: return hex(Array(String(number).utf8))
      default: return String(number)
      }
    case .double(let number):
      switch kind {
      case .flag: return number != 0 ? "t" : "f"
      case .integer where number.rounded() == number && abs(number) < 9.2e18: return String(Int64(number))
      case .bytes: return hex(Array(String(number).utf8))
      default:
        return number.isFinite ? String(number) : (number.isNaN ? "NaN" : (number > 0 ? "Infinity" : "-Infinity"))
      }
    case .string(let string):
      return kind == .bytes ? hex(Array(string.utf8)) : string
    case .blob(let data):
      return kind == .bytes ? hex(Array(data)) : String(decoding: data, as: UTF8.self)
    }
  }

  private static let digits = Array("0123456789abcdef".utf8)

  static func hex(_ bytes: [UInt8]) -> String {
    var text = [UInt8]()
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
