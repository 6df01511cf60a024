import ColdTraceCore

/// A group's view of its sites' group waits (`CrossingGroupRule`: a wait is the site's, for all its rooms), kept on
/// each room of the batch: one dictionary lookup per room when the batch is loaded, one comparison per sample after
/// that. The rooms of one site always hold the same end.
extension IngestBatch {
  /// Starts every room of the batch from its site's committed group wait.
  mutating func loadGroupWaits(from committed: CommittedProbes) {
    guard !committed.groupWaits.isEmpty else { return }
    for index in rooms.indices { rooms[index].groupWait = committed.groupWaits[rooms[index].site] }
  }

  /// The end of the earliest undecided group wait of the room's site.
  func groupWait(ofRoom room: Int) -> Timestamp? { rooms[room].groupWait }

  /// The room's site and name.
  func names(ofRoom room: Int) -> (site: String, room: String) { (rooms[room].site, rooms[room].room) }

  /// Sets the end of the earliest undecided group wait of `site` (`nil`: none left), on each of its rooms.
  mutating func setGroupWait(_ end: Timestamp?, ofSite site: String) {
    for index in rooms.indices where rooms[index].site == site && rooms[index].groupWait != end {
      rooms[index].groupWait = end
      rooms[index].groupWaitChanged = true
    }
  }

  /// Hands the sites' group waits to the pipeline's memory, once committed.
  func publishGroupWaits(into committed: inout CommittedProbes) {
    for room in rooms where room.groupWaitChanged { committed.groupWaits[room.site] = room.groupWait }
  }
}
