import ColdTraceCore
import GRDB

/// A probe change the rules forbid (an unknown or retired probe, a replacement onto itself, a due date before the
/// calibration): nothing is changed, and the shell exits 2.
public struct ProbeError: Error, CustomStringConvertible, Equatable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// `coldtrace probe retire/replace/move/calibrate` inside one write transaction, each journalled as a line of the
/// alert journal's hash chain (`probe_retired`, `probe_replaced`, `probe_moved`, `probe_calibrated`) with the alert
/// events it causes.
extension WriteTransaction {
  /// Retires a probe at `at`: it never raises `offline` again, and its open `offline` and `calibration_due` alerts
  /// resolve saying so (returned). Its readings stay where they are.
  public func retireProbe(_ probe: ProbeKey, reason: String, by person: String, at: Timestamp) throws
    -> [RecordedEvent]
  {
    let source = try activeSource(probe)
    try insertRetirement(source: source.id, at: at, reason: reason, by: person, successor: nil)
    try recordProbeLine("probe_retired", probe: probe, at: at) { json in
      json.string("room", source.room)
      json.string("reason", reason)
      json.string("by", person)
    }
    return try resolveAlertsOfRetired(probe, at: at, because: "retired (\(reason))")
  }

  /// Replaces `old` by `new` (same site) at `at`: `old` is retired with `new` as its successor; `new`, created in
  /// `old`'s room if it never reported, inherits `old`'s announced placement unless it announced its own.
  public func replaceProbe(_ old: ProbeKey, by new: String, person: String, at: Timestamp) throws -> [RecordedEvent] {
    guard new != old.sensor else { throw ProbeError("\(old.site)/\(old.sensor) cannot replace itself") }
    let source = try activeSource(old)
    let successor = ProbeKey(site: old.site, sensor: new)
    if let known = try sourceID(site: old.site, sensor: new) {
      if try retirement(ofSource: known) != nil {
        throw ProbeError("\(old.site)/\(new) is retired; a retired probe cannot take over")
      }
    } else {
      _ = try sourceID(for: SensorKey(site: old.site, room: source.room, sensor: new), agent: nil)
    }
    // The successor is expected: the registry takes its readings whatever its site's probe policy.
    try registerProbe(successor, room: source.room, origin: .approved, at: at)
    let placements = try db.cachedStatement(sql: "SELECT placement FROM probe_placements WHERE site = ? AND sensor = ?")
    var inherited: String?
    if try String.fetchOne(placements, arguments: [old.site, new]) == nil,
      let placement = try String.fetchOne(placements, arguments: [old.site, old.sensor])
    {
      try db.execute(
        sql: "INSERT INTO probe_placements (site, sensor, placement) VALUES (?, ?, ?)",
        arguments: [old.site, new, placement])
      inherited = placement
    }
    try insertRetirement(source: source.id, at: at, reason: "replaced by \(new)", by: person, successor: new)
    try recordProbeLine("probe_replaced", probe: old, at: at) { json in
      json.string("successor", successor.sensor)
      json.string("room", source.room)
      json.string("placement", inherited)
      json.string("by", person)
    }
    return try resolveAlertsOfRetired(old, at: at, because: "replaced by \(new)")
  }

  /// Records that a probe hangs in `room` (same site) from `at` on: its readings from then are in that room in every
  /// query by room, its earlier ones stay where they were.
  public func moveProbe(_ probe: ProbeKey, to room: String, by person: String, at: Timestamp) throws {
    let source = try activeSource(probe)
    let current = try self.room(ofSource: source.id, at: at) ?? source.room
    guard current != room else {
      throw ProbeError("\(probe.site)/\(probe.sensor) already hangs in \(room) at \(at.rfc3339)")
    }
    try recordRoom(room, source: source.id, from: at)
    try recordProbeLine("probe_moved", probe: probe, at: at) { json in
      json.string("room", room)
      json.string("from_room", current)
      json.string("by", person)
    }
  }

  /// Records a calibration of a probe (history kept; the latest calibration date is in force) and brings its
  /// `calibration_due` alert in line with the calibration in force at `now` (returned: a calibration with a later
  /// due date resolves it).
  public func calibrateProbe(
    _ probe: ProbeKey, certificate: String, at calibratedAt: Timestamp, due: Timestamp, by person: String,
    now: Timestamp, rule: CalibrationRule
  ) throws -> [RecordedEvent] {
    let source = try activeSource(probe)
    guard due > calibratedAt else {
      throw ProbeError("the due date \(due.rfc3339) must come after the calibration date \(calibratedAt.rfc3339)")
    }
    try db.execute(
      sql: """
        INSERT INTO probe_calibrations (source_id, certificate, calibrated_ms, due_ms, by_name) VALUES (?, ?, ?, ?, ?)
        """, arguments: [source.id, certificate, calibratedAt.milliseconds, due.milliseconds, person])
    try recordProbeLine("probe_calibrated", probe: probe, at: calibratedAt) { json in
      json.string("certificate", certificate)
      json.string("due", due.rfc3339)
      json.string("by", person)
    }
    return try checkCalibration(
      source: source.id, key: SensorKey(site: probe.site, room: source.room, sensor: probe.sensor), now: now, rule: rule
    ).map { [$0] } ?? []
  }

  /// Applies the `calibration_due` rule to one active probe at `now`: the event it caused, if any.
  public func checkCalibration(source: Int64, key: SensorKey, now: Timestamp, rule: CalibrationRule) throws
    -> RecordedEvent?
  {
    guard let calibration = try calibration(ofSource: source) else { return nil }
    let open = try AlertRows.openAlert(db, key: key, kind: .calibrationDue)
    guard
      let event = rule.check(
        now: now, key: key, productID: "-", calibration: calibration, open: open?.severity)
    else { return nil }
    return try apply(event)
  }

  /// A known probe that is not retired, with its id and the room its latest reading's topic named.
  private func activeSource(_ probe: ProbeKey) throws -> (id: Int64, room: String) {
    guard let source = try source(site: probe.site, sensor: probe.sensor) else {
      throw ProbeError("unknown probe \(probe.site)/\(probe.sensor) (no reading from it is stored)")
    }
    if let retired = try retirement(ofSource: source.id) {
      throw ProbeError("\(probe.site)/\(probe.sensor) was retired at \(retired.at.rfc3339)")
    }
    return source
  }

  private func insertRetirement(source: Int64, at: Timestamp, reason: String, by person: String, successor: String?)
    throws
  {
    try db.execute(
      sql: "INSERT INTO probe_retirements (source_id, retired_ms, reason, by_name, successor) VALUES (?, ?, ?, ?, ?)",
      arguments: [source, at.milliseconds, reason, person, successor])
  }

  /// Resolves every open alert of a retired probe (band, trend, fault, `offline`, `calibration_due`, and an input's
  /// `door_open` or `defrost_overrun`), and ends the room spans it held open: it is no longer watched, and what it
  /// left open would otherwise stay open (and pause its room) for good.
  private func resolveAlertsOfRetired(_ probe: ProbeKey, at: Timestamp, because why: String) throws -> [RecordedEvent] {
    try endSpans(ofRetired: probe.sensor, site: probe.site, at: at)
    var resolved: [RecordedEvent] = []
    for kind in AlertKind.allCases {
      guard
        let alert = try AlertRows.openAlert(
          db, key: SensorKey(site: probe.site, room: "", sensor: probe.sensor), kind: kind)
      else { continue }
      let event = AlertEvent(
        type: .resolved, key: SensorKey(site: alert.site, room: alert.room, sensor: alert.sensor), kind: kind,
        severity: alert.severity, productID: alert.product ?? "-", at: max(at, alert.openedAt), limit: alert.limit,
        value: nil, peak: alert.peak,
        message: "\(probe.sensor) \(why) at \(at.rfc3339): a retired probe raises no \(kind.rawValue) alert")
      resolved.append(try apply(event))
      // In its room's group wait: the resolution is held with the crossing and goes out with it (or is grouped),
      // never alone before the opening it resolves.
      if let waitEnd = try Int64.fetchOne(
        db.cachedStatement(sql: "SELECT group_wait_ms FROM alerts WHERE id = ?"), arguments: [alert.id])
      {
        try holdForGroupWait(alertID: alert.id, until: Timestamp(milliseconds: waitEnd))
      }
      // The last open member of a room or site alert for probes crossing together takes that alert with it.
      if let group = try resolveGroupIfOver(afterMember: alert.id, at: event.at) { resolved.append(group) }
    }
    return resolved
  }

  /// Journals a probe change (lifecycle or registry):
  /// `{"prev":…,"event":"probe_…","event_id":…,"at":…,"site":…,"sensor":…,…}`.
  func recordProbeLine(
    _ event: String, probe: ProbeKey, at: Timestamp, _ fields: (inout JSONObjectWriter) -> Void
  ) throws {
    _ = try appendJournalLine(event: event, alertID: nil, lotID: nil, at: at) { eventID in
      JournalFields.line(event: event, eventID: eventID, at: at) { json in
        json.string("site", probe.site)
        json.string("sensor", probe.sensor)
        fields(&json)
      }
    }
  }
}
