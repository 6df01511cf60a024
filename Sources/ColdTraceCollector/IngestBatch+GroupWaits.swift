import ColdTraceCore

/// A group's view of its rooms' group waits (`CrossingGroupRule`): one dictionary lookup per room when the batch is
/// loaded, one comparison per sample after that.
extension IngestBatch {
  /// Starts every room of the batch from its committed group wait.
  mutating func loadGroupWaits(from committed: CommittedProbes) {
    guard !committed.groupWaits.isEmpty else { return }
    for index in rooms.indices {
      rooms[index].groupWait = committed.groupWaits[RoomKey(site: rooms[index].site, room: rooms[index].room)]
    }
  }

  /// The end of the room's earliest undecided group wait.
  func groupWait(ofRoom room: Int) -> Timestamp? { rooms[room].groupWait }

  /// The room's site and name.
  func names(ofRoom room: Int) -> (site: String, room: String) { (rooms[room].site, rooms[room].room) }

  /// Sets the end of the room's earliest undecided group wait (`nil`: none left).
  mutating func setGroupWait(_ end: Timestamp?, ofRoom room: Int) {
    guard rooms[room].groupWait != end else { return }
    rooms[room].groupWait = end
    rooms[room].groupWaitChanged = true
  }

  /// Hands the rooms' group waits to the pipeline's memory, once committed.
  func publishGroupWaits(into committed: inout CommittedProbes) {
    for room in rooms where room.groupWaitChanged {
      committed.groupWaits[RoomKey(site: room.site, room: room.room)] = room.groupWait
    }
  }
}
