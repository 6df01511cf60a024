import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The backup and restore procedure of docs/operations.md, run as written: every command of its `sh` blocks, in
/// order, with only the installed paths replaced by this test's (the config file, the backup's name) and
/// `systemctl stop`/`start` by stopping and starting the collector.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct RestoreProcedureTests {
  private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func theOperationsPagesProcedureWorksAsWritten() throws {
    let commands = try Self.documentedCommands()
    #expect(commands.contains { $0.hasPrefix("sudo -u coldtrace coldtrace restore ") }, "\(commands)")
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    let config = try facility.collectorConfig("db = \"\(facility.database)\"\njournal = \"\(facility.journal)\"\n")
    try facility.startCollector(arguments: config)
    defer { facility.stopCollector() }
    #expect(try facility.shell(["lot", "add", "LT-1", "--product", "litchi", "--room", "hongxuan/cold2"]).status == 0)

    var backup: String? = nil
    var ran: [String] = []
    for command in commands {
      if command.contains("systemctl stop coldtrace-collector") {
        facility.stopCollector()
        // A line written after the backup, which the restore must set aside.
        #expect(try facility.shell(["lot", "close", "LT-1"]).status == 0)
        continue
      }
      if command.contains("systemctl start coldtrace-collector") {
        try facility.startCollector(arguments: config)
        continue
      }
      let prefix = "sudo -u coldtrace coldtrace "
      guard command.hasPrefix(prefix) else { continue }
      let arguments = command.dropFirst(prefix.count).split(separator: " ").map { word -> String in
        if word == "/etc/coldtrace/collector.toml" { return config[1] }
        if word.hasPrefix("/var/lib/coldtrace/backups/"), let backup { return backup }
        return String(word)
      }
      let result = try Executables.run(Executables.product("coldtrace"), arguments)
      #expect(result.status == 0, "\(command): \(result.stderr)")
      ran.append(arguments[0])
      if arguments[0] == "backup" {
        let folder = facility.directory.appendingPathComponent("backups")
        backup = try FileManager.default.contentsOfDirectory(atPath: folder.path).first.map {
          folder.appendingPathComponent($0).path
        }
      }
      if arguments[0] == "journal" { #expect(result.stdout.contains("restore recorded in \(facility.journal)")) }
    }
    #expect(ran == ["backup", "restore", "journal"])
    #expect(facility.collectorLog.contains("subscribed to"))
  }

  /// The commands of the `sh` blocks under "## Backup and restore", continuation lines joined, comments dropped.
  static func documentedCommands() throws -> [String] {
    let page = try String(
      contentsOf: repository.appendingPathComponent("docs/operations.md"), encoding: .utf8)
    guard let start = page.range(of: "## Backup and restore\n") else { return [] }
    let section = page[start.upperBound...]
    let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
    var commands: [String] = []
    var inBlock = false
    var pending = ""
    for line in section[..<end].split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") {
        inBlock = line == "```sh"
        continue
      }
      guard inBlock else { continue }
      var text = line.trimmingCharacters(in: .whitespaces)
      if let comment = text.range(of: "#") { text = String(text[..<comment.lowerBound]) }
      text = text.trimmingCharacters(in: .whitespaces)
      if text.hasSuffix("\\") {
        pending += text.dropLast() + " "
        continue
      }
      let command = (pending + text).split(separator: " ").joined(separator: " ")
      pending = ""
      if !command.isEmpty { commands.append(command) }
    }
    return commands
  }
}
