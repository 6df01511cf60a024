import ColdTraceCore
import ColdTraceSystem

/// The outbox's incarnation file, `<state_dir>/outbox/incarnation`: one line naming this install of the agent
/// (`Incarnation`), written once, atomically and durably (`DurableFile.createOnce`), when the outbox finds none,
/// before any sample is numbered.
///
/// Why: the outbox's numbering starts at 1 in a new state directory. Had the box run before (its SD card replaced,
/// a fresh install with the same ids), the collector holds numbers from the former install, and without a name for
/// the new series it would take the new samples for old ones (docs/durability.md, "Incarnations"). An outbox written
/// by an agent older than the file gets one at its next start; the collector continues the probe's numbering for the
/// first incarnation it sees, so that upgrade re-numbers nothing.
enum OutboxIncarnation {
  static func path(in outboxDirectory: String) -> String { outboxDirectory + "/incarnation" }

  /// The outbox's incarnation, made and kept now if it has none. Another process opening the outbox at the same
  /// moment (a second agent, a test reading the outbox) cannot make a second name: the first file created wins
  /// (`DurableFile.createOnce`), and everyone reads it.
  static func loadOrCreate(in outboxDirectory: String) throws -> String {
    let path = path(in: outboxDirectory)
    if let name = try read(path) { return name }
    let name = Incarnation.hex(UInt64.random(in: .min ... .max))
    if try DurableFile.createOnce(path, with: name + "\n") { return name }
    guard let made = try read(path) else { throw OutboxError("\(path) vanished while it was being created") }
    return made
  }

  private static func read(_ path: String) throws -> String? {
    guard let text = try DurableFile.read(path) else { return nil }
    let name = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
    if let problem = Incarnation.problem(name) {
      throw OutboxError("\(path): \(problem); remove the file only if this outbox is empty")
    }
    return name
  }
}
