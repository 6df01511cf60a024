import ArgumentParser
import ColdTracePostgres
import ColdTraceStorage
import ColdTraceSystem
import Foundation

/// `coldtrace migrate --to postgres://…`: a cooperative moves up from its SQLite file to the province's PostgreSQL
/// (docs/postgresql.md, "Moving up").
struct MigrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate",
    abstract: "Copy the SQLite database into an empty PostgreSQL database and verify the copy.",
    discussion: """
      Copies every table (readings, alerts, journal, lots, silences, probes, …) keeping every id, in one \
      transaction that commits only once each table's row count equals SQLite's and the copied journal chain \
      verifies: an interrupted or failed run leaves the target empty, and can simply be run again. The SQLite \
      file is only read (a consistent snapshot; stop the collector first so nothing is written after it). The \
      journal becomes chain -1 in PostgreSQL, its lines byte for byte. A target that holds ColdTrace data already \
      is refused.

      Example: coldtrace migrate --db /var/lib/coldtrace/coldtrace.db --to postgres://coldtrace@db.example/coldtrace
      """
  )

  @OptionGroup var global: GlobalOptions
  @Option(help: ArgumentHelp("The empty PostgreSQL database: postgres://USER@HOST:PORT/DATABASE.", valueName: "url"))
  var to: String
  @Option(help: "The collector slot the copied sites are given.") var slot: Int32 = 0

  func run() throws {
    guard DatabaseLocation.isPostgres(to) else {
      throw UsageError("--to must be a postgres:// URL, not \(to)")
    }
    guard slot >= 0 else { throw UsageError("--slot must be 0 or more, not \(slot)") }
    let path = global.databaseText(try global.settings())
    guard !DatabaseLocation.isPostgres(path) else {
      throw UsageError("migrate copies an SQLite database: --db must be its file, not \(path)")
    }
    let migration: SQLiteMigration
    do {
      let target = try PostgresConnection(url: to, applicationName: "coldtrace migrate")
      migration = try SQLiteMigration(
        sourcePath: path, target: target, slot: slot, progress: { StandardError.write("coldtrace migrate: \($0)\n") })
    } catch let error as StoreError {
      throw UsageError(error.description)
    } catch let error as PostgresError {
      throw UsageError(error.description)
    }
    let started = Date()
    let report: SQLiteMigration.Report
    do {
      report = try migration.run()
    } catch let refusal as SQLiteMigration.Refusal {
      guard case .copyDiffers = refusal else { throw UsageError(refusal.description) }
      StandardError.write("coldtrace: \(refusal)\n")
      throw ExitCode(1)
    }
    let seconds = Date().timeIntervalSince(started)
    var table = TextTable("TABLE", "SQLITE", "POSTGRESQL")
    for count in report.counts { table.add(count.table, String(count.sqlite), String(count.postgres)) }
    print(table.render())
    print(
      "journal: \(report.journalLines) lines copied as chain \(report.chain), chain verified; head \(report.journalHead)"
    )
    let rate = seconds > 0 ? Int(Double(report.readings) / seconds) : 0
    print(
      "ok: \(path) copied to \(migration.target.url) in \(String(format: "%.1f", seconds)) s (\(report.readings) readings, "
        + "\(rate) readings/s), \(report.sites) sites in slot \(slot); every count equal")
  }
}
