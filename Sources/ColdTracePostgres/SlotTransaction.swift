import ColdTraceCore
import ColdTraceStorage

/// One fenced write transaction of a slot (`SlotWriter.write`): probes, readings, engine state and journal lines
/// written here commit together, or not at all.
public final class SlotTransaction {
  let writer: SlotWriter
  var connection: PostgresConnection { writer.connection }
  /// Months this transaction made partitions for: known to exist only once it commits.
  var monthsMade: Set<Int64> = []
  /// The journal lines this transaction appended, in order (for the journal file and the alert topic, once
  /// committed).
  public private(set) var journalLines: [JournalLine] = []

  init(writer: SlotWriter) { self.writer = writer }

  /// The id of a probe, created on first sight (with its site, assigned to this writer's slot); its room and agent
  /// follow the latest message. A site assigned to another slot is refused: one slot's owner writes a site.
  public func sourceID(site: String, sensor: String, room: String, agent: String?) throws -> Int32 {
    let found = try connection.execute(
      """
      SELECT so.id, so.room, so.agent, si.slot FROM sources so JOIN sites si ON si.site = so.site
      WHERE so.site = $1 AND so.sensor = $2
      """, [.text(site), .text(sensor)]
    ).single()
    if let found {
      try checkSlot(Int32(try found.int64(3)), site: site)
      let id = Int32(try found.int64(0))
      if try found.string(1) != room || (agent != nil && agent != found.optionalString(2)) {
        try connection.execute(
          "UPDATE sources SET room = $1, agent = COALESCE($2, agent) WHERE id = $3",
          [.text(room), .string(agent), .int(id)])
      }
      return id
    }
    let slot = try connection.execute(
      """
      WITH added AS (INSERT INTO sites (site, slot) VALUES ($1, $2) ON CONFLICT (site) DO NOTHING RETURNING slot)
      SELECT slot FROM added UNION ALL SELECT slot FROM sites WHERE site = $1
      """, [.text(site), .int(writer.slot)]
    ).rows[0].int64(0)
    try checkSlot(Int32(slot), site: site)
    return Int32(
      try connection.execute(
        "INSERT INTO sources (site, sensor, room, agent) VALUES ($1, $2, $3, $4) RETURNING id",
        [.text(site), .text(sensor), .text(room), .string(agent)]
      ).rows[0].int64(0))
  }

  /// Saves a probe's engine state (its compact binary form), committed with the readings that changed it.
  public func saveEngineState(_ state: [UInt8], source: Int32) throws {
    try connection.execute(
      """
      INSERT INTO engine_state (source_id, state) VALUES ($1, $2)
      ON CONFLICT (source_id) DO UPDATE SET state = EXCLUDED.state
      """, [.int(source), .bytes(state)])
  }

  /// Appends one line to this slot's journal chain: `render` gets the line's id and returns a JSON object starting
  /// with `{"event":…`; the stored line is that object with `"prev"` (the SHA-256 of the chain's previous line, or 64
  /// zeros for the first) first, as the SQLite journal writes it. The chain's head row is locked until commit, so
  /// lines are chained in commit order.
  @discardableResult
  public func appendJournalLine(
    event: String, alertID: Int64?, lotID: String?, at: Timestamp, render: (Int64) -> String
  ) throws -> JournalLine {
    let chain = writer.slot
    try connection.execute(
      "INSERT INTO journal_heads (chain, last_id, last_hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING",
      [.int(chain), .text(JournalChain.genesis)])
    let head = try connection.execute(
      "SELECT last_id, last_hash FROM journal_heads WHERE chain = $1 FOR UPDATE", [.int(chain)]
    ).rows[0]
    let id = try head.int64(0) + 1
    let previousHash = try head.string(1)
    let rendered = render(id)
    let line = JSONObjectWriter.object(capacity: rendered.utf8.count + 80) { json in
      json.string("prev", previousHash)
      json.members(of: rendered)
    }
    try connection.execute(
      """
      INSERT INTO journal_lines (chain, id, alert_id, lot_id, event, at_ms, line) VALUES ($1, $2, $3, $4, $5, $6, $7)
      """, [.int(chain), .int(id), .int(alertID), .string(lotID), .text(event), .int(at.milliseconds), .text(line)])
    try connection.execute(
      "UPDATE journal_heads SET last_id = $2, last_hash = $3 WHERE chain = $1",
      [.int(chain), .int(id), .text(JournalChain.hash(line))])
    let committed = JournalLine(eventID: id, line: line)
    journalLines.append(committed)
    return committed
  }

  private func checkSlot(_ slot: Int32, site: String) throws {
    guard slot == writer.slot else {
      throw PostgresError(
        .statement,
        message: "site \(site) belongs to slot \(slot), not to slot \(writer.slot): only its slot's owner writes it")
    }
  }
}
