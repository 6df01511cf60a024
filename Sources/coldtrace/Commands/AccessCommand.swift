import ArgumentParser
import ColdTracePostgres
import ColdTraceSystem

/// `coldtrace access`: which sites a cooperative's PostgreSQL login role may see (docs/postgresql.md).
struct AccessCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "access",
    abstract: "Let a cooperative's PostgreSQL role see its own sites only (grant, list, revoke).",
    discussion: """
      PostgreSQL only. The role must exist and log in (createuser --pwprompt coop_a). `grant` lets it read its \
      sites' rows and nothing else (row-level security); with --ack it may also acknowledge their alerts.

      Examples:
        coldtrace access grant coop_a --site hongxuan --site hongxuan2 --db postgres://admin@db/coldtrace
        coldtrace access list --db postgres://admin@db/coldtrace
        coldtrace access revoke coop_a --site hongxuan2 --db postgres://admin@db/coldtrace
      """,
    subcommands: [AccessGrantCommand.self, AccessListCommand.self, AccessRevokeCommand.self]
  )
}

/// `--db` for `access`: a PostgreSQL URL (SQLite has no roles to grant to).
struct AccessDatabaseOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "PostgreSQL database URL (else $COLDTRACE_DB): postgres://USER@HOST:PORT/DATABASE.", valueName: "url"))
  var db: String?

  /// A connection to the database, checked to have the access tables (schema migration 3).
  func connect() throws -> PostgresConnection {
    let url = try postgresDatabaseURL(db, command: "access")
    let connection = try PostgresConnection(url: url.text)
    let version = try PostgresSchema.version(connection)
    guard version >= 3 else {
      throw UsageError(
        "\(url) has ColdTrace schema version \(version), not 3 or later: run `coldtrace database setup` on it first")
    }
    return connection
  }
}

/// Runs `body`, turning a grant of something that does not exist into bad usage (exit 2).
func accessUsage<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as SiteAccessError {
    throw UsageError(error.description)
  }
}

struct AccessGrantCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grant",
    abstract: "Let a login role see these sites (read-only; --ack: may acknowledge their alerts).",
    discussion: "Example: coldtrace access grant coop_a --site hongxuan --ack --db postgres://admin@db/coldtrace"
  )

  @OptionGroup var database: AccessDatabaseOptions
  @Argument(help: "The cooperative's PostgreSQL login role.") var role: String
  @Option(name: .customLong("site"), help: "A site it may see (repeat for several).") var sites: [String] = []
  @Flag(help: "It may also acknowledge these sites' alerts.") var ack = false

  func run() throws {
    guard !sites.isEmpty else { throw UsageError("grant needs at least one --site") }
    let connection = try database.connect()
    try accessUsage { try SiteAccess.grant(role: role, sites: sites, ack: ack, on: connection) }
    let what = ack ? "read and acknowledge" : "read"
    print("\(role) may \(what): \(sites.joined(separator: ", "))")
  }
}

struct AccessListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "Every role's sites, and whether it may acknowledge.")

  @OptionGroup var database: AccessDatabaseOptions

  func run() throws {
    let grants = try SiteAccess.list(on: try database.connect())
    guard !grants.isEmpty else {
      print("no role has access to any site")
      return
    }
    var table = TextTable("ROLE", "SITE", "MAY")
    for grant in grants { table.add(grant.role, grant.site, grant.canAck ? "read, ack" : "read") }
    print(table.render())
  }
}

struct AccessRevokeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "revoke",
    abstract: "Take away a role's access to these sites (all of them without --site).",
    discussion: "Example: coldtrace access revoke coop_a --site hongxuan --db postgres://admin@db/coldtrace"
  )

  @OptionGroup var database: AccessDatabaseOptions
  @Argument(help: "The cooperative's PostgreSQL login role.") var role: String
  @Option(name: .customLong("site"), help: "A site to take away (repeat; default: every site).") var sites: [String] =
    []

  func run() throws {
    let connection = try database.connect()
    let removed = try accessUsage {
      try SiteAccess.revoke(role: role, sites: sites.isEmpty ? nil : sites, on: connection)
    }
    guard removed > 0 else {
      throw UsageError("\(role) had no access to \(sites.isEmpty ? "any site" : "those sites")")
    }
    print("\(role) may no longer see \(sites.isEmpty ? "any site" : sites.joined(separator: ", "))")
  }
}
