import ArgumentParser
import ColdTracePostgres
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct JournalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "journal",
    abstract: "The alert journal's audit trail.",
    subcommands: [JournalVerifyCommand.self]
  )
}

struct JournalVerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check the journal's hash chain and name the first line that was changed, removed or inserted.",
    discussion: """
      Every line carries the SHA-256 of the line before it. Give files that continue one another oldest first.
      A journal rotated away is written again in full (from event 1) into the fresh file: verify that file alone.
      With a postgres:// --db and no files, every chain in that database is checked (each slot's, and each one \
      `coldtrace migrate` copied from SQLite).
      Examples:
        coldtrace journal verify /var/log/coldtrace/alerts.jsonl
        coldtrace journal verify --db postgres://coldtrace@db.example/coldtrace
      """
  )

  @OptionGroup var global: GlobalOptions
  @Argument(help: "Journal files, oldest first (default: the collector's journal).") var files: [String] = []

  func run() throws {
    var paths = files
    if paths.isEmpty {
      let settings = try global.settings()
      let database = global.databaseText(settings)
      if DatabaseLocation.isPostgres(database) {
        return try PostgresJournalVerify.run(url: database)
      }
      paths = [try settings.journal ?? AlertJournal.defaultPath(forDatabase: global.databasePath(settings))]
    }
    var contents: [(name: String, text: String)] = []
    for path in paths {
      // Decoded leniently: a line a power cut tore inside a multi-byte character (a Vietnamese message) is not valid
      // UTF-8, and `JournalChain.verify` names it as torn; whole lines were written as UTF-8 and hash the same.
      guard let bytes = try? DurableFile.readBytes(path) else {
        throw UsageError("cannot read journal \(path)")
      }
      contents.append((path, String(decoding: bytes, as: UTF8.self)))
    }
    switch JournalChain.verify(files: contents) {
    case .success(let result):
      let torn =
        result.torn.isEmpty
        ? "" : "; \(result.torn.count) torn lines left by a crash skipped (\(result.torn.joined(separator: ", ")))"
      print("ok: \(result.lines) lines chained; head \(result.head)\(torn)")
      for (name, text) in contents {
        for line in text.split(separator: "\n") where line.contains("\"event\":\"restored\"") {
          print("restore recorded in \(name): \(Self.field("message", of: line) ?? String(line))")
        }
      }
    case .failure(let broken):
      StandardError.write("coldtrace: journal chain broken at \(broken)\n")
      throw ExitCode(1)
    }
  }

  /// A string field of a journal line (the `restored` line's `message`), or `nil`.
  static func field(_ name: String, of line: Substring) -> String? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
    return object[name] as? String
  }
}

/// `coldtrace journal verify --db postgres://…`: every chain of the database, with the same check as a file's.
enum PostgresJournalVerify {
  static func run(url: String) throws {
    let connection: PostgresConnection
    do {
      connection = try PostgresConnection(url: url, applicationName: "coldtrace journal verify")
    } catch let error as PostgresError {
      throw UsageError(error.description)
    }
    guard try PostgresSchema.version(connection) >= 1 else {
      throw UsageError("\(connection.url) holds no ColdTrace schema")
    }
    let chains: [PostgresJournalChains.Checked]
    do {
      chains = try PostgresJournalChains.verifyAll(on: connection)
    } catch let broken as ChainBreak {
      StandardError.write("coldtrace: journal chain broken at \(broken)\n")
      throw ExitCode(1)
    } catch let error as PostgresError where error.sqlState == "42501" {
      // A cooperative's role reads its own sites' lines only, and not the chains' heads.
      throw UsageError(
        "journal verify on PostgreSQL needs the tables' owner (\(connection.url) refused: \(error.message))")
    }
    guard !chains.isEmpty else {
      print("ok: no journal lines yet")
      return
    }
    for chain in chains {
      let what = chain.importedFrom.map { "copied from \($0)" } ?? "slot \(chain.chain)"
      print("ok: chain \(chain.chain) (\(what)): \(chain.lines) lines chained; head \(chain.head)")
    }
  }
}
