import ColdTraceCore
import GRDB

extension WriteTransaction {
  /// Records a span that began (a defrost, a door opening) and returns its row id, to close it later.
  public func openRoomSpan(_ span: RoomSpan, site: String, room: String) throws -> Int64 {
    try db.execute(
      sql: """
        INSERT INTO room_spans (site, room, signal, source, sensor, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        site, room, span.signal.rawValue, span.source.rawValue, span.sensor, span.start.milliseconds,
        span.end?.milliseconds,
      ])
    return db.lastInsertedRowID
  }

  /// Records the end of the span `id` opened.
  public func closeRoomSpan(_ id: Int64, at end: Timestamp) throws {
    try db.execute(sql: "UPDATE room_spans SET end_ms = ? WHERE id = ?", arguments: [end.milliseconds, id])
  }

  /// The spans of `site/room` that overlap `from`…`to` (either `nil`: no bound), oldest first.
  public func roomSpans(site: String, room: String, from: Timestamp?, to: Timestamp?) throws -> [RoomSpan] {
    try RoomSpanRows.fetch(db, site: site, room: room, from: from, to: to)
  }
}

extension SQLiteStore {
  /// The spans of `site/room` that overlap `from`…`to` (either `nil`: no bound), oldest first: for reports and status.
  public func roomSpans(site: String, room: String, from: Timestamp? = nil, to: Timestamp? = nil) throws -> [RoomSpan] {
    try read { db in try RoomSpanRows.fetch(db, site: site, room: room, from: from, to: to) }
  }
}

/// Reads `room_spans` rows.
enum RoomSpanRows {
  static func fetch<Executor: QueryExecutor>(
    _ executor: Executor, site: String, room: String, from: Timestamp?, to: Timestamp?
  ) throws -> [RoomSpan] {
    var spans: [RoomSpan] = []
    try executor.forEachRow(
      sql: """
        SELECT signal, source, sensor, start_ms, end_ms FROM room_spans
        WHERE site = ? AND room = ? AND start_ms <= ? AND (end_ms IS NULL OR end_ms >= ?)
        ORDER BY start_ms, id
        """,
      arguments: [
        .text(site), .text(room), .integer(to?.milliseconds ?? Int64.max), .integer(from?.milliseconds ?? Int64.min),
      ]
    ) { row in
      guard let signal = RoomSignal(rawValue: try row.string(0)),
        let source = RoomSpanSource(rawValue: try row.string(1))
      else { return }
      spans.append(
        RoomSpan(
          signal: signal, source: source, sensor: row.optionalString(2),
          start: Timestamp(milliseconds: try row.int64(3)),
          end: try row.optionalInt64(4).map { Timestamp(milliseconds: $0) }))
    }
    return spans
  }
}
