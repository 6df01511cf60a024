import ColdTraceCore
import Foundation
import GRDB
import Testing

@testable import ColdTraceStorage

/// Migration v9-probe-placements on a database a previous version wrote: its probes are in the air until their agents
/// announce otherwise; announcements are kept per probe and replace each other.
@Suite("v9 probe placements migration", .timeLimit(.minutes(10)))
struct ProbePlacementMigrationTests {
  @Test func aVersionEightDatabaseGainsPlacementsAndKeepsItsProbes() throws {
    let scratch = try ScratchDatabase()
    let path = scratch.directory.appendingPathComponent("old.db").path
    do {
      let queue = try DatabaseQueue(path: path)
      try Schema.migrator.migrate(queue, upTo: "v8-agent-outboxes")
      try queue.write { db in
        try db.execute(sql: "INSERT INTO sources (site, sensor, room, agent) VALUES ('hongxuan', 'pulp', 'cold2', 'a')")
      }
      try queue.close()
    }
    let store = try SQLiteStore(path: path)
    #expect(try store.announcedPlacements().isEmpty, "an old probe has no placement: it is in the air")
    #expect(try store.probeRooms() == [ProbeKey(site: "hongxuan", sensor: "pulp"): "cold2"])
    try store.write { try $0.announcePlacements(["pulp": .product, "coil": .evaporator], site: "hongxuan") }
    try store.write { try $0.announcePlacements(["pulp": .simulant], site: "hongxuan") }
    #expect(
      try store.announcedPlacements() == [
        ProbeKey(site: "hongxuan", sensor: "pulp"): .simulant, ProbeKey(site: "hongxuan", sensor: "coil"): .evaporator,
      ])
  }
}
