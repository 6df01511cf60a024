import ColdTraceCore
import Foundation
import GRDB

/// Each room's defrost and door state (`RoomConditions`), saved in the transaction of the samples that changed it
/// and loaded by the collector at start (table `room_conditions`).
extension WriteTransaction {
  /// The saved conditions of every room of `site`; a state that no longer decodes is left out.
  public func roomConditions(ofSite site: String) throws -> [(room: String, conditions: RoomConditions)] {
    try Row.fetchAll(db, sql: "SELECT room, state FROM room_conditions WHERE site = ?", arguments: [site])
      .compactMap { row in
        let blob: Data = row[1]
        guard let conditions = try? JSONDecoder().decode(RoomConditions.self, from: blob) else { return nil }
        return (row[0], conditions)
      }
  }

  /// Ends the spans `sensor` of `site` left open (a retired input or evaporator probe) at `at`, in the rooms' saved
  /// conditions and in `room_spans`, so that it holds no room paused; returns the rooms whose conditions changed.
  @discardableResult
  public func endSpans(ofRetired sensor: String, site: String, at: Timestamp) throws
    -> [(room: String, conditions: RoomConditions)]
  {
    var changed: [(room: String, conditions: RoomConditions)] = []
    for (room, saved) in try roomConditions(ofSite: site) {
      var conditions = saved
      conditions.retire(sensor: sensor, at: at)
      guard conditions != saved else { continue }
      try saveRoomConditions(conditions, site: site, room: room)
      changed.append((room, conditions))
    }
    try db.execute(
      sql: "UPDATE room_spans SET end_ms = MAX(start_ms, ?) WHERE site = ? AND sensor = ? AND end_ms IS NULL",
      arguments: [at.milliseconds, site, sensor])
    return changed
  }

  public func saveRoomConditions(_ conditions: RoomConditions, site: String, room: String) throws {
    let blob = try JSONEncoder().encode(conditions)
    try db.cachedStatement(sql: "INSERT OR REPLACE INTO room_conditions (site, room, state) VALUES (?, ?, ?)")
      .execute(arguments: [site, room, blob])
  }
}

extension SQLiteStore {
  /// Every room's saved conditions; a state that no longer decodes is left out (the room starts afresh).
  public func roomConditions() throws -> [(site: String, room: String, conditions: RoomConditions)] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT site, room, state FROM room_conditions").compactMap { row in
        let blob: Data = row[2]
        guard let conditions = try? JSONDecoder().decode(RoomConditions.self, from: blob) else { return nil }
        return (row[0], row[1], conditions)
      }
    }
  }
}
