import ColdTraceCore
import GRDB

extension SQLiteStore {
  /// Every probe's announced placement (table `probe_placements`); a probe that is not there is in the air.
  public func announcedPlacements() throws -> [ProbeKey: Placement] {
    try read { db in try StatusListing.announcedPlacements(on: db) }
  }

  /// The room each probe that sent a reading hangs in now (its last reading's).
  public func probeRooms() throws -> [ProbeKey: String] {
    try read { db in
      var rooms: [ProbeKey: String] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT site, sensor, room FROM sources") {
        rooms[ProbeKey(site: row[0], sensor: row[1])] = row[2]
      }
      return rooms
    }
  }
}

extension WriteTransaction {
  /// The probes of `site` by sensor id, with the room each hangs in now (its last reading's) and its announced
  /// placement (`nil`: none announced).
  public func probes(ofSite site: String) throws -> [String: (room: String?, placement: Placement?)] {
    var probes: [String: (room: String?, placement: Placement?)] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT sensor, room FROM sources WHERE site = ?", arguments: [site]) {
      probes[row[0]] = (row[1], nil)
    }
    let announced = try Row.fetchAll(
      db, sql: "SELECT sensor, placement FROM probe_placements WHERE site = ?", arguments: [site])
    for row in announced {
      let sensor: String = row[0]
      probes[sensor, default: (nil, nil)].placement = Placement(rawValue: row[1])
    }
    return probes
  }

  /// Records where the probes of `site` are mounted, as their agent announced (a later announcement replaces it).
  public func announcePlacements(_ placements: [String: Placement], site: String) throws {
    let upsert = try db.cachedStatement(
      sql: "INSERT OR REPLACE INTO probe_placements (site, sensor, placement) VALUES (?, ?, ?)")
    for (sensor, placement) in placements { try upsert.execute(arguments: [site, sensor, placement.rawValue]) }
  }
}
