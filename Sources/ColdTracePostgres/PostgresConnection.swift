import CLibPQ

#if canImport(Glibc)
  import Glibc
#endif

/// One synchronous connection to PostgreSQL over libpq: parameterised statements, typed rows, transactions.
///
/// **Owned by one thread.** libpq lets a connection be used from any thread but never from two at once, and every
/// call here blocks until the server answers. The class is deliberately not `Sendable`: Swift 6 keeps a connection in
/// the thread, task or object that made it (a collector's writer thread, a slot's lock session), and a second thread
/// opens a connection of its own.
public final class PostgresConnection {
  private let handle: OpaquePointer
  public let url: PostgresURL

  /// Connects; throws a one-line `PostgresError` for a bad URL (`.badURL`) or a server that cannot be reached or
  /// refuses (`.cannotConnect`). `applicationName` shows in `pg_stat_activity`. A URL without `connect_timeout` waits
  /// at most 10 s for the server.
  public init(url text: String, applicationName: String? = nil) throws {
    url = try PostgresURL(text)
    // Processed in order, the last value of a keyword wins: the default timeout first, then everything the URL says,
    // then the application name.
    var keywords = ["connect_timeout", "dbname"]
    var values = ["10", text]
    if let applicationName {
      keywords.append("application_name")
      values.append(applicationName)
    }
    let connection = Self.withCStrings(keywords) { keywordPointers in
      Self.withCStrings(values) { valuePointers in
        PQconnectdbParams(keywordPointers, valuePointers, 1)
      }
    }
    guard let connection else {
      throw PostgresError(.cannotConnect, message: "cannot connect to \(url): out of memory")
    }
    guard PQstatus(connection) == CONNECTION_OK else {
      let reason = String(cString: PQerrorMessage(connection))
      PQfinish(connection)
      throw PostgresError(.cannotConnect, message: "cannot connect to \(url): \(reason)")
    }
    handle = connection
  }

  deinit { PQfinish(handle) }

  /// The process id of this connection's server backend (`pg_backend_pid()`).
  public var backendPID: Int32 { PQbackendPID(handle) }

  /// Whether the connection is still usable; `false` once the server or the network ended it.
  public var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

  /// Whether a transaction is open on the connection (`BEGIN` sent, not yet ended), or an aborted one awaits its end.
  public var isInTransaction: Bool {
    let status = PQtransactionStatus(handle)
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
  }

  /// Runs one statement with `$1…$n` bound to `parameters` (`PQexecParams`; the values never become SQL text).
  @discardableResult
  public func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresResult {
    let count = parameters.count
    var buffers: [UnsafeMutablePointer<CChar>?] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    buffers.reserveCapacity(count)
    defer { for buffer in buffers { free(buffer) } }
    for parameter in parameters {
      switch parameter {
      case .null:
        buffers.append(nil)
        lengths.append(0)
        formats.append(0)
      case .text(let text):
        // libpq reads a text parameter up to its first NUL: a value holding one would be stored cut short.
        guard !text.utf8.contains(0) else {
          throw PostgresError(
            .statement, sqlState: "22021",
            message: "a text parameter holds a NUL character, which PostgreSQL text cannot store")
        }
        buffers.append(strdup(text))
        lengths.append(0)
        formats.append(0)
      case .bytes(let bytes):
        let buffer = malloc(max(bytes.count, 1))!.assumingMemoryBound(to: CChar.self)
        bytes.withUnsafeBytes { raw in
          if let base = raw.baseAddress { memcpy(buffer, base, bytes.count) }
        }
        buffers.append(buffer)
        lengths.append(Int32(bytes.count))
        formats.append(1)
      }
    }
    let result = buffers.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
      PQexecParams(handle, sql, Int32(count), nil, values.baseAddress, lengths, formats, 0)
    }
    return try collect(result, sql: sql)
  }

  /// Runs SQL text that may hold several statements and no parameters (`PQexec`): the schema's fixed migration
  /// scripts, and statements that must run outside a transaction block (`DETACH PARTITION … CONCURRENTLY`).
  @discardableResult
  public func executeScript(_ sql: String) throws -> PostgresResult {
    try collect(PQexec(handle, sql), sql: sql)
  }

  /// Runs `body` in one transaction: committed when it returns, rolled back when it throws (and the error rethrown).
  /// A transaction the server already aborted (a failed statement whose error the body caught) is not reported as
  /// committed: COMMIT would answer ROLLBACK, and this throws instead.
  @discardableResult
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN")
    let value: T
    do {
      value = try body()
    } catch {
      if isOpen { _ = try? execute("ROLLBACK") }
      throw error
    }
    let committed = try execute("COMMIT")
    guard committed.commandTag == "COMMIT" else {
      throw PostgresError(
        .statement, sqlState: "25P02",
        message: "the transaction was aborted by an earlier error and rolled back; nothing of it was written")
    }
    return value
  }

  private func collect(_ result: OpaquePointer?, sql: String) throws -> PostgresResult {
    guard let result else {
      throw lostOrFailed(message: String(cString: PQerrorMessage(handle)))
    }
    defer { PQclear(result) }
    let status = PQresultStatus(result)
    guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
      let sqlState = PQresultErrorField(result, Self.diagnostic("C")).map { String(cString: $0) }
      let primary = PQresultErrorField(result, Self.diagnostic("M")).map { String(cString: $0) }
      let message = primary ?? String(cString: PQresultErrorMessage(result))
      if sqlState == PostgresError.fencedState {
        throw PostgresError(.fenced, sqlState: sqlState, message: message)
      }
      guard let sqlState, isOpen else { throw lostOrFailed(message: message) }
      throw PostgresError(.statement, sqlState: sqlState, message: message)
    }
    let columnCount = Int(PQnfields(result))
    let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
    let rowCount = Int(PQntuples(result))
    var rows: [PostgresRow] = []
    rows.reserveCapacity(rowCount)
    for row in 0..<Int32(rowCount) {
      var values: [String?] = []
      values.reserveCapacity(columnCount)
      for column in 0..<Int32(columnCount) {
        values.append(
          PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
      }
      rows.append(PostgresRow(columns: columns, values: values))
    }
    let tag = String(cString: PQcmdStatus(result))
    let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
    return PostgresResult(columns: columns, rows: rows, rowsAffected: affected, commandTag: tag)
  }

  private func lostOrFailed(message: String) -> PostgresError {
    isOpen
      ? PostgresError(.statement, message: message)
      : PostgresError(.connectionLost, message: "connection to \(url) lost: \(message)")
  }

  /// libpq's `PG_DIAG_*` field codes are character constants.
  private static func diagnostic(_ code: Unicode.Scalar) -> Int32 { Int32(UInt8(ascii: code)) }

  private static func withCStrings<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
  ) -> R {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
