import ColdTraceCore
import GRDB

/// How a probe came into the registry (`probe_registry.origin`).
public enum RegistryOrigin: String, Sendable {
  /// It had readings before the registry existed (migration `v18-probe-registry`).
  case existing
  /// Its agent's status listed it (`probes`).
  case announced
  /// Its first reading registered it, its site's `probe_policy` being `register` and its `max_probes` not reached.
  case auto
  /// An operator approved it (`coldtrace probe approve`).
  case approved
}

/// Changes to the probe registry inside one write transaction. An operator's are journalled as lines of the alert
/// journal's hash chain (`probe_approved`, `probe_rejected`), like `probe retire`'s.
extension WriteTransaction {
  /// Registers `probe` in `room` unless the registry has a row for it already (registered or rejected); `true` when
  /// it did. Not journalled: what the collector registers by itself (an agent's announcement, a first reading) is
  /// implied by the status or the reading it stores, and the journal of an install without limits stays as it was;
  /// the row keeps how and when.
  @discardableResult
  public func registerProbe(_ probe: ProbeKey, room: String?, origin: RegistryOrigin, at: Timestamp) throws -> Bool {
    let known = try db.cachedStatement(sql: "SELECT 1 FROM probe_registry WHERE site = ? AND sensor = ?")
    guard try Bool.fetchOne(known, arguments: [probe.site, probe.sensor]) == nil else { return false }
    try upsertRegistry(probe, state: "registered", origin: origin.rawValue, room: room, by: nil, at: at)
    try db.cachedStatement(sql: "DELETE FROM pending_probes WHERE site = ? AND sensor = ?")
      .execute(arguments: [probe.site, probe.sensor])
    return true
  }

  /// An operator registers `probe` (pending, rejected, or never seen) in `room`, or in the room its last quarantined
  /// reading named; it gets a `sources` row there, so it shows in `status` and `probe list` at once.
  public func approveProbe(_ probe: ProbeKey, room: String?, by person: String, at: Timestamp) throws {
    let name = "\(probe.site)/\(probe.sensor)"
    if try registryState(of: probe) == "registered" { throw ProbeError("\(name) is registered already") }
    let pendingRoom = try String.fetchOne(
      db, sql: "SELECT room FROM pending_probes WHERE site = ? AND sensor = ?", arguments: [probe.site, probe.sensor])
    let knownRoom = try source(site: probe.site, sensor: probe.sensor)?.room
    guard let room = room ?? pendingRoom ?? knownRoom else {
      throw ProbeError("no reading of \(name) is pending; give its room with --room")
    }
    try upsertRegistry(
      probe, state: "registered", origin: RegistryOrigin.approved.rawValue, room: room, by: person, at: at)
    try db.execute(
      sql: "DELETE FROM pending_probes WHERE site = ? AND sensor = ?", arguments: [probe.site, probe.sensor])
    _ = try sourceID(for: SensorKey(site: probe.site, room: room, sensor: probe.sensor), agent: nil)
    try recordProbeLine("probe_approved", probe: probe, at: at) { json in
      json.string("room", room)
      json.string("by", person)
    }
  }

  /// An operator refuses `probe`: its readings go on being quarantined (`unknown_probe`), counted, without a log line.
  public func rejectProbe(_ probe: ProbeKey, by person: String, at: Timestamp) throws {
    let name = "\(probe.site)/\(probe.sensor)"
    switch try registryState(of: probe) {
    case "registered": throw ProbeError("\(name) is registered; take it out of service with coldtrace probe retire")
    case "rejected": throw ProbeError("\(name) is rejected already")
    default: break
    }
    try upsertRegistry(probe, state: "rejected", origin: "rejected", room: nil, by: person, at: at)
    try recordProbeLine("probe_rejected", probe: probe, at: at) { json in json.string("by", person) }
  }

  /// Counts a quarantined reading of a probe the registry does not take (`reason`), at `at`, in the room its topic
  /// names.
  public func notePendingProbe(_ key: SensorKey, reason: RejectionReason, at: Timestamp) throws {
    try db.cachedStatement(
      sql: """
        INSERT INTO pending_probes (site, sensor, room, reason, first_ms, last_ms, messages) VALUES (?, ?, ?, ?, ?, ?, 1)
        ON CONFLICT (site, sensor) DO UPDATE SET room = excluded.room, reason = excluded.reason,
          last_ms = MAX(last_ms, excluded.last_ms), messages = messages + 1
        """
    ).execute(arguments: [key.site, key.sensor, key.room, reason.rawValue, at.milliseconds, at.milliseconds])
  }

  private func registryState(of probe: ProbeKey) throws -> String? {
    try String.fetchOne(
      db, sql: "SELECT state FROM probe_registry WHERE site = ? AND sensor = ?", arguments: [probe.site, probe.sensor])
  }

  private func upsertRegistry(
    _ probe: ProbeKey, state: String, origin: String, room: String?, by person: String?, at: Timestamp
  ) throws {
    try db.cachedStatement(
      sql: """
        INSERT INTO probe_registry (site, sensor, state, origin, room, by_name, at_ms, change_no)
          VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(change_no), 0) + 1 FROM probe_registry))
        ON CONFLICT (site, sensor) DO UPDATE SET state = excluded.state, origin = excluded.origin,
          room = COALESCE(excluded.room, room), by_name = excluded.by_name, at_ms = excluded.at_ms,
          change_no = excluded.change_no
        """
    ).execute(arguments: [probe.site, probe.sensor, state, origin, room, person, at.milliseconds])
  }
}
