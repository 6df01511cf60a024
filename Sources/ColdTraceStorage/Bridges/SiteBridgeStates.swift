import ColdTraceCore
import GRDB

/// Migration `v22-site-bridges`: each site broker's link to the central broker as its bridge last announced it
/// (`coldtrace/v1/bridge/<site>`, docs/protocol.md), for `coldtrace status` and a collector's restart.
///
/// - `up`: 1 connected, 0 not; `since_ms`: when the collector saw it change to that (for the first state it heard of
///   a site, when it heard it: a retained state says nothing of when it was set); `seen_ms`: its latest message.
enum SiteBridgeSchema {
  static func migrate(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE site_bridges (
          site TEXT PRIMARY KEY NOT NULL,
          up INTEGER NOT NULL,
          since_ms INTEGER NOT NULL,
          seen_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        """)
  }
}

/// A site broker's link state as the collector recorded it (`site_bridges`).
public struct SiteBridgeState: Sendable, Equatable {
  public var site: String
  /// The bridge is connected to the central broker.
  public var up: Bool
  /// When the collector saw the link come up or go down (or first heard of it).
  public var since: Timestamp
  /// The latest announcement, a repeat of the same state included.
  public var seen: Timestamp

  public init(site: String, up: Bool, since: Timestamp, seen: Timestamp) {
    self.site = site
    self.up = up
    self.since = since
    self.seen = seen
  }
}

extension WriteTransaction {
  /// Stores `state` as the site's link state, replacing the one recorded before.
  public func recordSiteBridge(_ state: SiteBridgeState) throws {
    try db.cachedStatement(
      sql: "INSERT OR REPLACE INTO site_bridges (site, up, since_ms, seen_ms) VALUES (?, ?, ?, ?)"
    ).execute(arguments: [state.site, state.up ? 1 : 0, state.since.milliseconds, state.seen.milliseconds])
  }
}

extension SQLiteStore {
  /// Every site broker's link state recorded, by site.
  public func siteBridges() throws -> [SiteBridgeState] {
    try read { db in try StatusListing.siteBridges(on: db) }
  }
}
