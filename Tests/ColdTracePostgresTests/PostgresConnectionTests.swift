import ColdTracePostgres
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

@Suite(.postgresCluster, .timeLimit(.minutes(10)))
struct PostgresConnectionTests {
  @Test func aBadURLIsOneLineNamingIt() throws {
    for url in ["mysql://coldtrace@127.0.0.1/db", "postgres://u@127.0.0.1/db?nosuchoption=1", "/var/lib/db.sqlite"] {
      let error = try #require(throws: PostgresError.self) { try PostgresConnection(url: url) }
      #expect(error.kind == .badURL)
      #expect(error.description.hasPrefix("bad database URL"))
      #expect(!error.description.contains("\n"))
    }
    let unknown = try #require(throws: PostgresError.self) {
      try PostgresConnection(url: "postgres://u@127.0.0.1/db?nosuchoption=1")
    }
    #expect(unknown.description.contains("nosuchoption"))
  }

  @Test func anUnreachableServerIsOneLineWithoutThePassword() throws {
    let port = try #require(FreePort.find())
    let error = try #require(throws: PostgresError.self) {
      try PostgresConnection(url: "postgres://coldtrace:s3cret@127.0.0.1:\(port)/coldtrace?connect_timeout=2")
    }
    #expect(error.kind == .cannotConnect)
    #expect(!error.description.contains("\n"))
    #expect(!error.description.contains("s3cret"))
    #expect(error.description.contains("postgres://coldtrace:***@127.0.0.1:\(port)/coldtrace"))
    #expect(error.description.contains("Connection refused"))
    // A password given as a query parameter is hidden too.
    let query = try #require(throws: PostgresError.self) {
      try PostgresConnection(url: "postgres://coldtrace@127.0.0.1:\(port)/coldtrace?password=s3cret&connect_timeout=2")
    }
    #expect(!query.description.contains("s3cret"))
    #expect(query.description.contains("?password=***&connect_timeout=2"))
  }

  @Test func connectsOverTheUnixSocket() throws {
    let cluster = try PostgresClusterScope.current
    let connection = try PostgresConnection(url: cluster.socketURL())
    // No server address: the session came in over the socket.
    #expect(try connection.execute("SELECT inet_server_addr() IS NULL").rows[0].bool(0))
    // The socket directory percent-encoded as the host.
    let encoded = cluster.socketDirectory.replacingOccurrences(of: "/", with: "%2F")
    let hostForm = try PostgresConnection(url: "postgres://coldtrace@\(encoded):\(cluster.port)/postgres")
    #expect(try hostForm.execute("SELECT inet_server_addr() IS NULL").rows[0].bool(0))
    let tcp = try PostgresConnection(url: cluster.url())
    #expect(try tcp.execute("SELECT host(inet_server_addr())").rows[0].string(0) == "127.0.0.1")
  }

  @Test func parametersAreNeverSQLText() throws {
    let connection = try PostgresConnection(url: PostgresClusterScope.freshDatabase(migrated: false))
    try connection.execute(
      "CREATE TABLE t (a text, b bigint, c double precision, d boolean, e bytea, f text[], g bigint[])")
    let hostile = "x'); DROP TABLE t; -- Hồng Xuân \"quoted\" \\ back"
    let bytes: [UInt8] = [0, 255, 10, 39, 92]
    let texts: [String?] = ["a,b", "{brace}", "NULL", nil, "quote\"and\\", ""]
    try connection.execute(
      "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7)",
      [
        .text(hostile), .int(Int64.min), .double(0.1 + 0.2), .bool(true), .bytes(bytes), .textArray(texts),
        .intArray([Int64(1), nil, Int64.max]),
      ])
    try connection.execute("INSERT INTO t (a) VALUES ($1)", [nil])
    let rows = try connection.execute("SELECT a, b, c, d, e, f::text, g::text FROM t ORDER BY a NULLS LAST").rows
    #expect(rows.count == 2)
    #expect(try rows[0].string(0) == hostile)
    #expect(try rows[0].int64(1) == Int64.min)
    #expect(try rows[0].double(2) == 0.1 + 0.2)
    #expect(try rows[0].bool(3))
    #expect(try rows[0].bytes(4) == bytes)
    #expect(try rows[0].string(5) == #"{"a,b","{brace}","NULL",NULL,"quote\"and\\",""}"#)
    #expect(try rows[0].string(6) == "{1,NULL,9223372036854775807}")
    #expect(rows[1].optionalString(0) == nil)
    #expect(try rows[1].optionalInt64(1) == nil)
    let null = try #require(throws: PostgresError.self) { try rows[1].int64(1) }
    #expect(null.message == "column 1 (b) is NULL, expected an integer")
  }

  @Test func aRefusedStatementCarriesItsSQLState() throws {
    let connection = try PostgresConnection(url: PostgresClusterScope.freshDatabase(migrated: false))
    try connection.execute("CREATE TABLE t (k integer PRIMARY KEY)")
    try connection.execute("INSERT INTO t VALUES ($1)", [1])
    let error = try #require(throws: PostgresError.self) { try connection.execute("INSERT INTO t VALUES ($1)", [1]) }
    #expect(error.kind == .statement)
    #expect(error.sqlState == "23505")
    #expect(error.description == #"PostgreSQL error 23505: duplicate key value violates unique constraint "t_pkey""#)
    let syntax = try #require(throws: PostgresError.self) { try connection.execute("SELEC 1") }
    #expect(syntax.sqlState == "42601")
    #expect(!syntax.description.contains("\n"))
  }

  @Test func aTransactionRollsBackWhenItsBodyThrows() throws {
    let connection = try PostgresConnection(url: PostgresClusterScope.freshDatabase(migrated: false))
    try connection.execute("CREATE TABLE t (k integer PRIMARY KEY)")
    struct Refused: Error {}
    #expect(throws: Refused.self) {
      try connection.transaction {
        try connection.execute("INSERT INTO t VALUES ($1)", [1])
        throw Refused()
      }
    }
    // A body that swallowed a failed statement: the server aborted the transaction, and COMMIT is not a success.
    let aborted = try #require(throws: PostgresError.self) {
      try connection.transaction {
        try connection.execute("INSERT INTO t VALUES ($1)", [2])
        _ = try? connection.execute("INSERT INTO t VALUES ($1)", [2])
      }
    }
    #expect(aborted.sqlState == "25P02")
    try connection.transaction { try connection.execute("INSERT INTO t VALUES ($1)", [3]) }
    #expect(try connection.execute("SELECT array_agg(k)::text FROM t").rows[0].string(0) == "{3}")
  }

  @Test func aConnectionTheServerEndedSaysItWasLost() throws {
    let url = try PostgresClusterScope.freshDatabase(migrated: false)
    let victim = try PostgresConnection(url: url)
    let admin = try PostgresConnection(url: url)
    try admin.execute("SELECT pg_terminate_backend($1)", [.int(victim.backendPID)])
    let error = try #require(throws: PostgresError.self) { try victim.execute("SELECT 1") }
    #expect(error.kind == .connectionLost)
    #expect(!victim.isOpen)
    #expect(!error.description.contains("\n"))
  }
}
