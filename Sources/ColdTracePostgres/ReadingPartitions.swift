/// The monthly partitions of `readings` (docs/postgresql.md, "Monthly partitions"): which exist, making one, and
/// taking an old one out.
public enum ReadingPartitions {
  /// A month's partition as attached: its table name and its bounds in milliseconds since the epoch (UTC), `to`
  /// exclusive.
  public struct Month: Sendable, Equatable {
    public let table: String
    public let fromMs: Int64
    public let toMs: Int64
  }

  /// The partition table of a month: `readings_y2026m12`.
  public static func tableName(year: Int, month: Int) throws -> String {
    guard (1...9999).contains(year), (1...12).contains(month) else {
      throw PostgresError(.statement, message: "no such month: \(year)-\(month) (a year 1–9999, a month 1–12)")
    }
    let paddedYear = String(repeating: "0", count: 4 - String(year).count) + String(year)
    return "readings_y\(paddedYear)m\(month < 10 ? "0" : "")\(month)"
  }

  /// Creates the month holding `milliseconds` unless it exists (`coldtrace_ensure_month`); returns its table name.
  @discardableResult
  public static func ensureMonth(containing milliseconds: Int64, on connection: PostgresConnection) throws -> String {
    try connection.execute("SELECT coldtrace_ensure_month($1)", [.int(milliseconds)]).rows[0].string(0)
  }

  /// The attached months, oldest first.
  public static func attached(on connection: PostgresConnection) throws -> [Month] {
    // The bounds are read from the catalogue, not from the name: a month made by hand with other bounds shows as is.
    try connection.execute(
      """
      SELECT c.relname,
        substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''?(-?[0-9]+)''?\\)')::bigint,
        substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''?(-?[0-9]+)''?\\)')::bigint
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'readings'::regclass
      ORDER BY 2
      """
    ).rows.map { Month(table: try $0.string(0), fromMs: try $0.int64(1), toMs: try $0.int64(2)) }
  }

  /// Takes a month out of `readings` without copying or rewriting a row (`DETACH PARTITION … CONCURRENTLY`: readers
  /// and writers of the other months go on). The month's table stays, with its rows and indexes, to be archived
  /// (`pg_dump -t`) and dropped, or attached again. Must run outside a transaction; a detach interrupted half-way
  /// leaves the month "detach pending", which `ALTER TABLE readings DETACH PARTITION … FINALIZE` completes.
  public static func detach(year: Int, month: Int, on connection: PostgresConnection) throws {
    let table = try tableName(year: year, month: month)
    // The name is made of two checked integers only: an identifier cannot be a statement parameter.
    try connection.executeScript("ALTER TABLE readings DETACH PARTITION \(table) CONCURRENTLY")
  }
}
