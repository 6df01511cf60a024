/// A defrost or door opening of a room the lot stayed in, as a report reads it: the stored span with its room, its end
/// clipped to the end of the lot's stay (a span still open when the report is made ends there), so a report made
/// while a defrost lasts verifies the same once it has ended.
public struct StayRoomSpan: Sendable, Equatable {
  public var site: String
  public var room: String
  public var span: RoomSpan

  public init(site: String, room: String, span: RoomSpan) {
    self.site = site
    self.room = room
    self.span = span
  }

  /// The span's end; set for every span a report reads (see the type's note).
  public var end: Timestamp { span.end ?? span.start }

  public var minutes: Double { Double(span.milliseconds(until: end)) / 60_000 }
}
