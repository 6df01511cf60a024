import ArgumentParser
import ColdTraceCollector
import ColdTraceCommandLine
import ColdTraceSystem

@main
struct ColdTraceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "coldtrace",
    abstract: "ColdTrace: cold-chain monitoring for fruit, vegetables and meat, from probe to importer.",
    discussion: """
      `coldtrace collect` runs the collector service; the other commands are the operator's shell tools.
      The database is --db, else $COLDTRACE_DB, else the config's `db`, else ./coldtrace.db; a postgres:// URL there
      names a PostgreSQL database (\(DatabaseLocation.postgresCommands) so far).

      Examples:
        coldtrace demo
        coldtrace collect --broker mqtt://collector:secret@127.0.0.1:1883
        coldtrace alerts --since 24h --state open
        coldtrace ack 42 --by lan --note "door closed, fruit checked"
      """,
    version: BuildInfo.versionLine(CollectorService.version),
    subcommands: [
      CollectCommand.self, AlertsCommand.self, AckCommand.self, LotCommand.self, ReadingsCommand.self,
      StatusCommand.self, ProductsCommand.self, JournalCommand.self, BackupCommand.self, RestoreCommand.self,
      DemoCommand.self, SourcesCommand.self,
      ReportGroupCommand.self, SilenceCommand.self, ProbeCommand.self, NotifyCommand.self, MetricsCommand.self,
      KeysCommand.self, ImportCommand.self, AccessCommand.self, MigrateCommand.self, DatabaseCommand.self,
    ]
  )

  static func main() { CommandMain.run(ColdTraceCommand.self, programName: "coldtrace") }
}
