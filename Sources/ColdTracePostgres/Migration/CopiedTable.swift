/// One SQLite table `coldtrace migrate` copies, and how: the same column names on both sides, each with the kind of
/// value it holds (which PostgreSQL array type carries a batch of it), read in `order` (the key).
struct CopiedTable: Sendable {
  enum Kind: Sendable {
    case integer
    case real
    case text
    /// SQLite's 0/1, PostgreSQL's boolean.
    case flag
    /// SQLite's blob, PostgreSQL's bytea (sent in hex, decoded by the server).
    case bytes

    var arrayType: String {
      switch self {
      case .integer: "bigint[]"
      case .real: "double precision[]"
      case .text, .bytes: "text[]"
      case .flag: "boolean[]"
      }
    }
  }

  /// The SQLite table (`alert_events` for the journal).
  let source: String
  /// The PostgreSQL table.
  let target: String
  let columns: [(name: String, kind: Kind)]
  let order: String
  /// Columns only the target has, with the value every copied row gets (the journal chain).
  var constants: [(name: String, value: Int64)] = []
  /// Tables whose ids are kept: the identity sequence is set past the highest copied id.
  var hasIdentity = false

  /// `columns`: the names, space-separated, each text unless it says `:int`, `:real`, `:flag` or `:bytes`.
  init(_ name: String, target: String? = nil, order: String, hasIdentity: Bool = false, _ columns: String) {
    source = name
    self.target = target ?? name
    self.order = order
    self.hasIdentity = hasIdentity
    let kinds: [Substring: Kind] = ["int": .integer, "real": .real, "flag": .flag, "bytes": .bytes]
    self.columns = columns.split(separator: " ").map { column in
      let parts = column.split(separator: ":")
      return (name: String(parts[0]), kind: parts.count > 1 ? kinds[parts[1]] ?? .text : .text)
    }
  }

  /// `INSERT … SELECT … FROM unnest($1::bigint[], …)`: one statement per batch, one array parameter per column.
  var insertStatement: String {
    let names = columns.map(\.name)
    let arrays = columns.enumerated().map { "$\($0.offset + 1)::\($0.element.kind.arrayType)" }
    let selected = columns.map { $0.kind == .bytes ? "decode(u.\($0.name), 'hex')" : "u.\($0.name)" }
    let constantNames = constants.map(\.name)
    let constantValues = constants.map { String($0.value) }
    return "INSERT INTO \(target) (\((constantNames + names).joined(separator: ", "))) SELECT "
      + "\((constantValues + selected).joined(separator: ", ")) FROM unnest(\(arrays.joined(separator: ", "))) "
      + "AS u(\(names.joined(separator: ", ")))"
  }

  var selectStatement: String {
    "SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(source) ORDER BY \(order)"
  }
}

extension CopiedTable {
  /// Every table, in an order that satisfies the foreign keys (sites are made before, from every site named).
  static func all(journalChain: Int64) -> [CopiedTable] {
    var journal = CopiedTable(
      "alert_events", target: "journal_lines", order: "id",
      "id:int alert_id:int lot_id event at_ms:int line")
    journal.constants = [("chain", journalChain)]
    var notifications = CopiedTable(
      "notifications", order: "id", hasIdentity: true,
      "id:int channel alert_id:int event_id:int event site room severity escalation:flag line queued_ms:int "
        + "due_ms:int give_up_ms:int attempts:int state last_error last_error_ms:int done_ms:int"
    )
    notifications.constants = [("chain", journalChain)]
    return [
      CopiedTable(
        "sources", order: "id", hasIdentity: true,
        "id:int site sensor room agent acked_seq:int"),
      CopiedTable(
        "lots", order: "id",
        "id product market created_ms:int closed_ms:int"),
      CopiedTable(
        "alerts", order: "id", hasIdentity: true,
        "id:int kind severity state site room sensor product lots opened_ms:int resolved_ms:int acked_ms:int "
          + "acked_by note limit_value:real peak:real message renotified_ms:int silenced silence_pending:flag "
          + "group_id:int group_wait_ms:int"
      ),
      journal,
      notifications,
      CopiedTable(
        "quarantine", order: "id", hasIdentity: true,
        "id:int received_ms:int topic reason detail payload:bytes"),
      CopiedTable("engine_state", order: "source_id", "source_id:int state:bytes"),
      readings,
      CopiedTable(
        "lot_placements", order: "rowid",
        "lot_id site room from_ms:int to_ms:int"),
      CopiedTable("lot_rule_state", order: "lot_id", "lot_id state:bytes"),
      CopiedTable("agent_outboxes", order: "site, agent", "site agent"),
      CopiedTable(
        "probe_placements", order: "site, sensor", "site sensor placement"),
      CopiedTable(
        "room_spans", order: "id", hasIdentity: true,
        "id:int site room signal source sensor start_ms:int end_ms:int"),
      CopiedTable("room_conditions", order: "site, room", "site room state:bytes"),
      CopiedTable(
        "silences", order: "id", hasIdentity: true,
        "id:int site room sensor from_ms:int until_ms:int reason created_by ended_ms:int ended_by"),
      CopiedTable(
        "probe_rooms", order: "source_id, from_ms", "source_id:int from_ms:int room"),
      CopiedTable(
        "probe_retirements", order: "source_id",
        "source_id:int retired_ms:int reason by_name successor"),
      CopiedTable(
        "probe_calibrations", order: "id", hasIdentity: true,
        "id:int source_id:int certificate calibrated_ms:int due_ms:int by_name"),
      CopiedTable(
        "late_readings", order: "source_id, ts_ms, seq",
        "source_id:int ts_ms:int seq:int"),
      CopiedTable(
        "source_incarnations", order: "source_id, incarnation",
        "source_id:int incarnation seq_base:int first_ms:int"),
      CopiedTable(
        "agent_incarnations", order: "site, agent",
        "site agent incarnation since_ms:int previous"),
      CopiedTable(
        "probe_registry", order: "site, sensor",
        "site sensor state origin room by_name at_ms:int change_no:int"),
      CopiedTable(
        "pending_probes", order: "site, sensor",
        "site sensor room reason first_ms:int last_ms:int messages:int"),
      CopiedTable(
        "leg_imports", order: "id", hasIdentity: true,
        "id:int lot_id leg logger file_name file_sha256 imported_by imported_ms:int rows:int from_ms:int to_ms:int"),
      CopiedTable(
        "leg_readings", order: "import_id, ts_ms",
        "import_id:int ts_ms:int temp_c:real rh_pct:real"),
      CopiedTable(
        "site_bridges", order: "site",
        "site up:flag since_ms:int seen_ms:int"),
    ]
  }

  static let readings = CopiedTable(
    "readings", order: "source_id, ts_ms, seq",
    "source_id:int ts_ms:int seq:int temp_mc:int rh_mpct:int time_quality:int defrost:flag door_open:flag error")

  /// The SQLite tables that hold no data of their own to copy: GRDB's migration record.
  static let notCopied: Set<String> = ["grdb_migrations"]

  /// Every site a table names, in SQLite: each becomes a row of `sites` (the slot that will write it).
  static let sitesQuery =
    [
      "sources", "alerts", "notifications", "lot_placements", "agent_outboxes", "probe_placements", "room_spans",
      "room_conditions", "silences", "agent_incarnations", "probe_registry", "pending_probes", "site_bridges",
    ].map { "SELECT site FROM \($0)" }.joined(separator: " UNION ") + " ORDER BY site"
}
