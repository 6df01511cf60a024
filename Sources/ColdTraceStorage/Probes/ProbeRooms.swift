import ColdTraceCore
import GRDB

/// The room history of each probe (`probe_rooms`): written when a probe's room changes, read by every query by room.
extension WriteTransaction {
  /// The room `source` hung in at `time` by its history (`nil` for a probe without one).
  public func room(ofSource source: Int64, at time: Timestamp) throws -> String? {
    try String.fetchOne(
      db.cachedStatement(
        sql: "SELECT room FROM probe_rooms WHERE source_id = ? AND from_ms <= ? ORDER BY from_ms DESC LIMIT 1"),
      arguments: [source, time.milliseconds])
  }

  /// Records that `source` hangs in `room` from `from` on, unless its history already puts it there at that time (a
  /// late reading from a room it has left, or a room the operator already recorded with `probe move`). Returns
  /// whether a row was written.
  @discardableResult
  func recordRoom(_ room: String, source: Int64, from: Timestamp) throws -> Bool {
    if try self.room(ofSource: source, at: from) == room { return false }
    try db.cachedStatement(sql: "INSERT OR REPLACE INTO probe_rooms (source_id, room, from_ms) VALUES (?, ?, ?)")
      .execute(arguments: [source, room, from.milliseconds])
    return true
  }

  /// The first room of a probe seen for the first time: it hangs there from before any reading it can have.
  func recordFirstRoom(_ room: String, source: Int64) throws {
    try db.cachedStatement(sql: "INSERT OR REPLACE INTO probe_rooms (source_id, room, from_ms) VALUES (?, ?, ?)")
      .execute(arguments: [source, room, ProbeLifecycleSchema.beginning])
  }

  /// Just after the probe's newest stored reading: where a move the caller gave no time for starts, so every reading
  /// already stored stays in the room it was taken in.
  func afterLatestReading(of source: Int64) throws -> Timestamp {
    let latest = try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT MAX(ts_ms) FROM readings WHERE source_id = ?"), arguments: [source])
    return Timestamp(milliseconds: (latest ?? ProbeLifecycleSchema.beginning) + 1)
  }
}
