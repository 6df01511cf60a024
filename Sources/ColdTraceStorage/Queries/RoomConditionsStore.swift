import ColdTraceCore
import Foundation
import GRDB

/// Each room's defrost and door state (`RoomConditions`), saved in the transaction of the samples that changed it
/// and loaded by the collector at start (table `room_conditions`).
extension WriteTransaction {
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
