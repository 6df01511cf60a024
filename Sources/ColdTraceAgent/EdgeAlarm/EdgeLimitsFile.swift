import ColdTraceCore
import ColdTraceSystem

/// The rooms' critical limits as the agent last received them, kept in its state directory (`edge-limits.jsonl`: one
/// `LimitsMessage` payload per line, by room) so that an edge box rebooted while its uplink is down still knows what
/// to judge against. Replaced atomically (`DurableFile`): after a power cut it holds the old limits or the new.
public struct EdgeLimitsFile: Sendable {
  public static let name = "edge-limits.jsonl"

  public let path: String
  /// Per room, the limits held.
  public private(set) var rooms: [String: LimitsMessage] = [:]
  /// Lines that could not be read when the file was loaded (a hand-edited or foreign file): skipped, not fatal.
  public private(set) var unreadableLines = 0

  /// Loads the file in `directory`; a missing file holds no limits.
  public init(directory: String) throws(DurableFileError) {
    path = directory.hasSuffix("/") ? directory + Self.name : directory + "/" + Self.name
    guard let text = try DurableFile.read(path) else { return }
    for line in text.split(separator: "\n") where !line.isEmpty {
      if let message = LimitsMessage.decode(Array(line.utf8)) {
        rooms[message.room] = message
      } else {
        unreadableLines += 1
      }
    }
  }

  /// Keeps `message` as its room's limits and rewrites the file when they differ from those held; `false` when the
  /// limits are the same (a retained message received again), and nothing is written.
  public mutating func keep(_ message: LimitsMessage) throws(DurableFileError) -> Bool {
    if let held = rooms[message.room], held.sameLimits(as: message) { return false }
    var updated = rooms
    updated[message.room] = message
    let text = updated.keys.sorted().map { updated[$0]!.encode() + "\n" }.joined()
    try DurableFile.replace(path, with: text)
    rooms = updated
    return true
  }
}
