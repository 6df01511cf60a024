import ColdTraceCore
import Foundation
import GRDB

/// What one fault case did, counted from the agent's own outbox (samples produced) and the collector's database
/// (stored, duplicated, quarantined, alerts), and its row in the fault table.
struct FaultMeasurement {
  let fault: String
  /// The highest `seq` the agent numbered: its samples are 1…produced.
  let produced: Int64
  /// Samples the agent's outbox dropped for space (none expected).
  let dropped: Int
  let storedRows: Int
  let storedSeqs: Set<Int64>
  /// Produced samples neither stored nor quarantined.
  let missing: [Int64]
  let quarantineRows: Int
  let quarantinedSeqs: Set<Int64>
  let quarantineReasons: [String: Int]
  /// Alert kind → its events in order, over every alert raised.
  let alertEvents: [String: [String]]
  let alertCount: Int
  /// Alert events recorded more than once (the same alert, the same event).
  let duplicateEvents: Int
  let journalLines: Int
  let integrity: String
  let expected: FaultExpectation
  let seconds: Double
  /// Anything the table should say about the case.
  var note = ""

  init(
    fault: String, produced: Int64, dropped: Int, database: String, journal: String, expected: FaultExpectation,
    seconds: Double
  ) throws {
    self.fault = fault
    self.produced = produced
    self.dropped = dropped
    self.expected = expected
    self.seconds = seconds
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: database, configuration: configuration)
    let seqs = try queue.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM readings WHERE seq >= 0") }
    storedRows = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM readings") ?? 0 }
    storedSeqs = Set(seqs)
    let quarantined = try queue.read { db in
      try Row.fetchAll(db, sql: "SELECT reason, payload FROM quarantine").map { row -> (String, Data) in
        (row["reason"], row["payload"])
      }
    }
    quarantineRows = quarantined.count
    quarantineReasons = quarantined.reduce(into: [:]) { $0[$1.0, default: 0] += 1 }
    let rejected = Set(quarantined.flatMap { Self.seqs(in: $0.1) })
    let kept = Set(seqs)
    quarantinedSeqs = rejected
    missing = produced < 1 ? [] : (1...produced).filter { !kept.contains($0) && !rejected.contains($0) }
    let events = try queue.read { db in
      try Row.fetchAll(
        db,
        sql: "SELECT a.id, a.kind, e.event FROM alert_events e JOIN alerts a ON a.id = e.alert_id ORDER BY e.id")
    }
    var byKind: [String: [String]] = [:]
    var seen: Set<String> = []
    var duplicates = 0
    for row in events {
      let id: Int64 = row["id"]
      let kind: String = row["kind"]
      let event: String = row["event"]
      byKind[kind, default: []].append(event)
      if !seen.insert("\(id)/\(event)").inserted { duplicates += 1 }
    }
    alertEvents = byKind
    duplicateEvents = duplicates
    alertCount = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM alerts") ?? 0 }
    integrity = try queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "?" }
    // Alert event lines only: the journal also starts with the collector's `config_changed` line.
    journalLines =
      ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").split(separator: "\n")
      .filter { !$0.contains("\"event\":\"config_changed\"") }.count
  }

  /// Stored rows beyond one per (probe, seq): the unique index makes them impossible; counted anyway.
  var duplicateReadings: Int { storedRows - storedSeqs.count }
  var eventCount: Int { alertEvents.values.reduce(0) { $0 + $1.count } }

  /// The sequence numbers in a quarantined payload (one sample or a batch).
  private static func seqs(in payload: Data) -> [Int64] {
    guard case .object(let object)? = try? JSONParser.parse(String(decoding: payload, as: UTF8.self)) else {
      return []
    }
    let samples: [JSONValue]
    if case .array(let batch)? = object["samples"] { samples = batch } else { samples = [.object(object)] }
    return samples.compactMap { sample in
      guard case .object(let fields) = sample, case .number(let seq)? = fields["seq"] else { return nil }
      return Int64(seq)
    }
  }

  /// The case's line in the results file: tab-separated, in `FaultTable.columns` order.
  var row: String {
    let quarantine =
      quarantineRows == 0
      ? "0"
      : "\(quarantinedSeqs.count) seqs in \(quarantineRows) rows (\(quarantineReasons.keys.sorted().joined(separator: ",")))"
    let fields = [
      fault, String(produced), String(storedSeqs.count), String(duplicateReadings + duplicateEvents),
      String(missing.count), quarantine, "\(expected.alerts.count)/\(alertCount)",
      "\(expected.eventCount)/\(eventCount)", String(format: "%.0f", seconds),
      alertEvents == expected.alerts ? note : ["ALERTS DIFFER", note].filter { !$0.isEmpty }.joined(separator: ": "),
    ]
    return fields.joined(separator: "\t")
  }

  /// Appends the row to the file named by `COLDTRACE_FAULT_RESULTS`, if set (scripts/fault-suite.sh sets it).
  func report() {
    print("fault suite: \(row.replacingOccurrences(of: "\t", with: " | "))")
    guard let path = ProcessInfo.processInfo.environment["COLDTRACE_FAULT_RESULTS"], !path.isEmpty else { return }
    guard let handle = FileHandle(forWritingAtPath: path) ?? Self.create(path) else { return }
    defer { try? handle.close() }
    _ = try? handle.seekToEnd()
    try? handle.write(contentsOf: Data((row + "\n").utf8))
  }

  private static func create(_ path: String) -> FileHandle? {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    return FileHandle(forWritingAtPath: path)
  }
}
