import ColdTraceCore
import GRDB

/// The registry as the collector loads it: the registered probes and the rejected ones.
public struct RegistryContents: Sendable, Equatable {
  public var registered: Set<ProbeKey> = []
  public var rejected: Set<ProbeKey> = []
  /// The newest change number read (every write of a row gives it the next number): where the next read starts.
  public var lastChange: Int64 = -1

  public init(lastChange: Int64 = -1) { self.lastChange = lastChange }
}

/// A probe whose readings are quarantined because the registry does not take it (`coldtrace probe pending`).
public struct PendingProbe: Sendable, Equatable {
  public var probe: ProbeKey
  /// The room its latest quarantined reading's topic named.
  public var room: String
  /// `unknown_probe` or `site_probe_limit`: why its latest reading was quarantined.
  public var reason: String
  public var firstSeen: Timestamp
  public var lastSeen: Timestamp
  public var messages: Int
  /// An operator rejected it.
  public var rejected: Bool
}

extension SQLiteStore {
  /// The registry's rows written after change number `after` (-1: all of it): the collector reads it all at start,
  /// then at every timer round only what changed since (`probe approve`, `probe reject`, its own registrations), one
  /// indexed range however many probes are registered.
  public func probeRegistry(changedAfter after: Int64 = -1) throws -> RegistryContents {
    try read { db in
      var contents = RegistryContents()
      contents.lastChange = max(after, -1)
      let rows = try Row.fetchCursor(
        db, sql: "SELECT site, sensor, state, change_no FROM probe_registry WHERE change_no > ? ORDER BY change_no",
        arguments: [after])
      while let row = try rows.next() {
        let probe = ProbeKey(site: row[0], sensor: row[1])
        if (row[2] as String) == "registered" {
          contents.registered.insert(probe)
          contents.rejected.remove(probe)
        } else {
          contents.rejected.insert(probe)
          contents.registered.remove(probe)
        }
        contents.lastChange = row[3]
      }
      return contents
    }
  }

  /// The probes not registered whose readings were quarantined, oldest first seen first; rejected ones only with
  /// `rejected`.
  public func pendingProbes(site: String?, rejected: Bool) throws -> [PendingProbe] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT p.site, p.sensor, p.room, p.reason, p.first_ms, p.last_ms, p.messages, r.state
          FROM pending_probes p LEFT JOIN probe_registry r ON r.site = p.site AND r.sensor = p.sensor
          WHERE (? IS NULL OR p.site = ?) AND (r.state IS NULL OR r.state = 'rejected')
          ORDER BY p.first_ms, p.site, p.sensor
          """, arguments: [site, site]
      ).compactMap { row in
        let isRejected = (row[7] as String?) == "rejected"
        guard rejected || !isRejected else { return nil }
        return PendingProbe(
          probe: ProbeKey(site: row[0], sensor: row[1]), room: row[2], reason: row[3],
          firstSeen: Timestamp(milliseconds: row[4]), lastSeen: Timestamp(milliseconds: row[5]), messages: row[6],
          rejected: isRejected)
      }
    }
  }

  /// Per site, how many probes wait in `pending_probes` (not registered, not rejected): what `status` shows instead
  /// of listing them.
  public func pendingProbeCounts() throws -> [String: Int] {
    try read { db in try StatusListing.pendingProbeCounts(on: db) }
  }
}
