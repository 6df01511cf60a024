import ColdTracePostgres
import Foundation
import TestSupport
import Testing

/// A suite trait: one throw-away PostgreSQL cluster for the whole suite (`PostgresCluster`), started before its
/// first test and stopped and removed after its last, whether the tests passed or not.
struct PostgresClusterScope: SuiteTrait, TestScoping {
  @TaskLocal static var cluster: PostgresCluster?

  var isRecursive: Bool { false }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    let cluster = try PostgresCluster()
    defer { cluster.stop() }
    print("postgres cluster for \(test.name): initdb and start took \(String(format: "%.2f", cluster.startSeconds)) s")
    try await Self.$cluster.withValue(cluster) { try await function() }
  }

  /// The suite's cluster (the test runs inside the trait's scope).
  static var current: PostgresCluster {
    get throws {
      guard let cluster else { throw TestSupportError("the suite has no .postgresCluster trait") }
      return cluster
    }
  }

  /// A database of its own for one test, with ColdTrace's schema unless `migrated` is false; its URL.
  static func freshDatabase(migrated: Bool = true) throws -> String {
    let url = try current.makeDatabase("test_\(UUID().uuidString.prefix(8).lowercased())")
    if migrated { try PostgresSchema.migrate(PostgresConnection(url: url)) }
    return url
  }
}

extension Trait where Self == PostgresClusterScope {
  static var postgresCluster: Self { Self() }
}
