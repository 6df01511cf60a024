import ColdTracePostgres
import ColdTraceStorage
import Testing

extension ShellCommandsOnPostgresTests {
  /// The seam's PostgreSQL side: `?` and `?N` become `$N` outside quotes and comments, and rows come through a cursor
  /// in batches, in order, in a transaction of its own or in the caller's (which stays open and usable).
  @Test func theExecutorRewritesParametersAndReadsAnyNumberOfRowsThroughACursor() throws {
    let connection = try PostgresConnection(url: try PostgresClusterScope.freshDatabase())
    var seen: [[String?]] = []
    try connection.forEachRow(
      sql: "SELECT ?, '?' || ?, \"?column?\" FROM (SELECT ? AS \"?column?\") t -- a comment's ?\n WHERE ? = 1",
      arguments: [.text("a"), .text("b"), .integer(7), .integer(1)]
    ) { seen.append($0.values) }
    #expect(seen == [["a", "?b", "7"]])
    seen = []
    try connection.forEachRow(sql: "SELECT ?2::text || ?1::text, ?1", arguments: [.integer(1), .real(2.5)]) {
      seen.append($0.values)
    }
    #expect(seen == [["2.51", "1"]])

    for inTransaction in [false, true] {
      var numbers: [Int64] = []
      let read = {
        try connection.forEachRow(
          sql: "SELECT n FROM generate_series(1, 4500) n WHERE n > ? ORDER BY n", arguments: [.integer(0)]
        ) { numbers.append(try $0.int64(0)) }
      }
      if inTransaction {
        try connection.transaction {
          try read()
          #expect(connection.isInTransaction)
          try connection.execute("SELECT 1")
        }
      } else {
        try read()
      }
      #expect(numbers == Array(1...4500), "in a transaction: \(inTransaction)")
      #expect(!connection.isInTransaction)
    }
  }
}
