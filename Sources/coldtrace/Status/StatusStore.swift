import ColdTraceCore
import ColdTracePostgres
import ColdTraceStorage

/// What `coldtrace status` reads, one query text on either store (`StatusListing`). On PostgreSQL row-level security
/// shows a cooperative's role its own sites only.
extension ShellStore {
  /// The facility at `now`. On PostgreSQL its queries share one snapshot (one repeatable-read transaction), as
  /// SQLite's read does.
  func facilityStatus(now: Timestamp) throws -> FacilityStatus {
    switch self {
    case .sqlite(let store): try store.facilityStatus(now: now)
    case .postgres(let connection):
      try connection.transaction {
        try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return try StatusListing.facilityStatus(now: now, on: connection)
      }
    }
  }

  /// The defrosts and door openings of `site/room` that overlap `from`…`to`, oldest first.
  func roomSpans(site: String, room: String, from: Timestamp, to: Timestamp) throws -> [RoomSpan] {
    switch self {
    case .sqlite(let store): try store.roomSpans(site: site, room: room, from: from, to: to)
    case .postgres(let connection):
      try StatusListing.roomSpans(site: site, room: room, from: from, to: to, on: connection)
    }
  }

  /// Per site, how many unknown probes wait to be registered.
  func pendingProbeCounts() throws -> [String: Int] {
    switch self {
    case .sqlite(let store): try store.pendingProbeCounts()
    case .postgres(let connection): try StatusListing.pendingProbeCounts(on: connection)
    }
  }

  /// Each agent's install as its status last announced it, by site and agent.
  func agentIncarnations() throws -> [AgentIncarnation] {
    switch self {
    case .sqlite(let store): try store.agentIncarnations()
    case .postgres(let connection): try StatusListing.agentIncarnations(on: connection)
    }
  }

  /// Every site broker's link state recorded, by site.
  func siteBridges() throws -> [SiteBridgeState] {
    switch self {
    case .sqlite(let store): try store.siteBridges()
    case .postgres(let connection): try StatusListing.siteBridges(on: connection)
    }
  }

  /// Alerts matching `filter`, oldest first.
  func alerts(_ filter: AlertFilter) throws -> [AlertRecord] {
    var alerts: [AlertRecord] = []
    try forEachAlert(filter) { alerts.append($0) }
    return alerts
  }
}
