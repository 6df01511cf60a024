import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceStorage

/// Lots on a real SQLite file: where they were, when, and what the rules forbid.
struct LotStoreTests {
  private func store() throws -> SQLiteStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-lots-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return try SQLiteStore(path: directory.appendingPathComponent("lots.db").path)
  }

  private let t0 = Timestamp(seconds: 1_780_000_000)

  @Test func aLotMovesThroughRoomsAndTheRoomQueryFollowsItInTime() throws {
    let store = try store()
    _ = try store.addLot("LT-1", product: "litchi", market: "eu", site: "hx", room: "cold1", at: t0)
    _ = try store.addLot("LT-2", product: "litchi", market: nil, site: "hx", room: "cold2", at: t0)
    let moved = try store.moveLot("LT-1", site: "hx", room: "cold2", at: t0.adding(seconds: 3600))
    #expect(moved.placements.count == 2)
    #expect(moved.placements[0].to == t0.adding(seconds: 3600))
    #expect(moved.currentPlacement?.room == "cold2")

    func lotsIn(_ room: String, after seconds: Double) throws -> [String] {
      try store.write { tx in try tx.lots(inRoom: "hx", room, at: self.t0.adding(seconds: seconds)).map(\.id) }
    }
    #expect(try lotsIn("cold1", after: 0) == ["LT-1"])
    #expect(try lotsIn("cold1", after: 3599) == ["LT-1"])
    #expect(try lotsIn("cold1", after: 3600) == [], "a placement ends at the move")
    #expect(try lotsIn("cold2", after: 3600) == ["LT-2", "LT-1"])
    #expect(try lotsIn("cold2", after: -1) == [], "nothing before the lots arrived")

    let closed = try store.closeLot("LT-1", at: t0.adding(seconds: 7200))
    #expect(closed.isClosed && closed.currentPlacement == nil)
    #expect(try lotsIn("cold2", after: 7200) == ["LT-2"])
    #expect(try store.lots().map(\.id) == ["LT-1", "LT-2"])
  }

  @Test func forbiddenChangesAreRefusedAndChangeNothing() throws {
    let store = try store()
    _ = try store.addLot("LT-1", product: "litchi", market: nil, site: "hx", room: "cold1", at: t0)
    #expect(throws: LotError.self) {
      try store.addLot("LT-1", product: "litchi", market: nil, site: "hx", room: "cold2", at: t0)
    }
    #expect(throws: LotError.self) { try store.moveLot("LT-1", site: "hx", room: "cold2", at: t0) }
    #expect(throws: LotError.self) { try store.moveLot("LT-1", site: "hx", room: "cold1", at: t0.adding(seconds: 1)) }
    #expect(throws: LotError.self) { try store.moveLot("LT-404", site: "hx", room: "cold2", at: t0) }
    _ = try store.closeLot("LT-1", at: t0.adding(seconds: 60))
    #expect(throws: LotError.self) { try store.closeLot("LT-1", at: t0.adding(seconds: 120)) }
    #expect(throws: LotError.self) { try store.moveLot("LT-1", site: "hx", room: "cold2", at: t0.adding(seconds: 120)) }
    let lot = try #require(try store.lot("LT-1"))
    #expect(lot.placements == [Lot.Placement(site: "hx", room: "cold1", from: t0, to: t0.adding(seconds: 60))])
  }
}
