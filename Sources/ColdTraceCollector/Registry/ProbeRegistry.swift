import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// The probes the collector knows, and each site's limits (docs/protocol.md, "The probe registry").
///
/// Every reading passes `admit` on the network thread before it is queued or committed: one lock, one dictionary
/// lookup (its site), a token bucket's arithmetic and one set lookup (its sensor id). A probe is registered when its
/// agent's status announces it (`probes`, `placements`), when it had readings before the registry existed, when an
/// operator approves it, or on its first reading if its site's policy is `register` and the site is under
/// `max_probes`. Anything else is quarantined, so a site that invents ids costs a quarantine row per message and a
/// bounded amount of memory, and raises one `site_limit` warning, not an `offline` alert per id.
///
/// The database holds the registry (`probe_registry`, `pending_probes`); this holds what the hot path needs, reloads
/// what the shell changed (`refresh`, every timer round) and resolves `site_limit` alerts (`check`).
final class ProbeRegistry: Sendable {
  let store: SQLiteStore
  let config: SiteLimitsConfig
  private let sites: Mutex<[String: SiteAdmission]>
  /// The newest `probe_registry` change read: `refresh` reads only what came after it.
  private let lastChange: Mutex<Int64>
  /// First-reading registrations waiting for a transaction (the pipeline's: its next group stores them).
  let unstored: UnstoredRegistrations

  /// Loads the registry and the open `site_limit` alerts at `now`; `unstored`: the pipeline's
  /// `registrations`, so that its groups store what this registers on a first reading.
  init(
    store: SQLiteStore, config: SiteLimitsConfig, now: Timestamp,
    unstored: UnstoredRegistrations = UnstoredRegistrations()
  ) throws {
    self.store = store
    self.unstored = unstored
    self.config = config
    var sites: [String: SiteAdmission] = [:]
    let contents = try store.probeRegistry()
    Self.merge(contents, into: &sites, config: config, now: now)
    lastChange = Mutex(contents.lastChange)
    var open = AlertFilter()
    open.state = .open
    var acked = AlertFilter()
    acked.state = .acked
    for alert in try store.alerts(open) + store.alerts(acked) where alert.kind == .siteLimit {
      guard let limit = SiteLimitRule.Limit(rawValue: alert.sensor) else { continue }
      var site = sites[alert.site] ?? SiteAdmission(limits: config.limits(of: alert.site), now: now.milliseconds)
      site.alerting.insert(limit)
      site.lastExceeded[limit] = now.milliseconds
      sites[alert.site] = site
    }
    self.sites = Mutex(sites)
  }

  /// The decision for a reading of `key` received at `now`.
  func admit(_ key: SensorKey, now: Timestamp, configured: Bool = false) -> Admission {
    sites.withLock { sites in
      sites[key.site, default: SiteAdmission(limits: config.limits(of: key.site), now: now.milliseconds)]
        .admit(sensor: key.sensor, now: now.milliseconds, configured: configured)
    }
  }

  /// Registers what an agent of `site` announced (sensor id → room, `nil` when only its placement was announced),
  /// up to the site's `max_probes`, in memory: their readings are admitted from now on. `storeAnnounced` stores them.
  func admitAnnounced(_ probes: [String: String?], site: String, now: Timestamp) -> AnnouncedProbes {
    let (new, tripped) = sites.withLock { sites in
      sites[site, default: SiteAdmission(limits: config.limits(of: site), now: now.milliseconds)]
        .announce(probes.keys.sorted(), now: now.milliseconds)
    }
    return AnnouncedProbes(new: new.map { ($0, probes[$0] ?? nil) }, tripped: tripped)
  }

  /// Stores and journals the probes `admitAnnounced` registered, and opens the site's `site_limit` alert if it just
  /// went past `max_probes` (on the writer thread). Returns what was committed, for the fan-out.
  func storeAnnounced(_ announced: AnnouncedProbes, site: String, now: Timestamp) -> CommittedEvents {
    var committed = CommittedEvents()
    if !announced.new.isEmpty,
      let written = try? store.writeJournaled({ tx in
        for (sensor, room) in announced.new {
          try tx.registerProbe(ProbeKey(site: site, sensor: sensor), room: room, origin: .announced, at: now)
        }
      })
    {
      // If they cannot be stored, they are registered in memory; the retained status comes again after a restart.
      committed.journal = written.journal
    }
    if announced.tripped, let opened = try? openAlert(site: site, limit: .maxProbes, now: now) {
      committed = committed + opened
    }
    return committed
  }

  /// Notes the registration `admit` decided (`registerFirst`) of the probe of `key`, without a transaction: the
  /// next group committed stores it, with the probe's first reading or before it (`UnstoredRegistrations`).
  func registerOnFirstReading(_ key: SensorKey, now: Timestamp) {
    unstored.note(key, at: now)
  }

  /// Stores the first-reading registrations no group took yet (a first reading left to its agent, no reading since):
  /// every timer round and at a clean stop, off the network thread. Returns those the database refused for good.
  @discardableResult
  func storeUnstoredRegistrations() throws -> [ProbeKey] {
    let waiting = unstored.waitingRegistrations()
    guard !waiting.isEmpty else { return [] }
    let refused = try store.write { tx in try UnstoredRegistrations.write(waiting, in: tx) }
    unstored.stored(waiting)
    return refused.map(\.probe)
  }

  /// Opens the `site_limit` warning of `site` for `limit`.
  func openAlert(site: String, limit: SiteLimitRule.Limit, now: Timestamp) throws -> CommittedEvents {
    let value = sites.withLock { $0[site]?.value(of: limit) } ?? 0
    let event = SiteLimitRule.opening(site: site, limit: limit, value: value, now: now)
    let (recorded, journal) = try store.writeJournaled { tx in try tx.apply(event) }
    return CommittedEvents(alerts: [CommittedAlert(key: event.key, event: recorded)], journal: journal)
  }

  /// Learns what `probe approve` and `probe reject` changed in the database.
  func refresh(now: Timestamp) throws {
    try storeUnstoredRegistrations()
    let after = lastChange.withLock { $0 }
    let contents = try store.probeRegistry(changedAfter: after)
    lastChange.withLock { $0 = max($0, contents.lastChange) }
    sites.withLock { Self.merge(contents, into: &$0, config: config, now: now) }
  }

  /// Adds what `contents` registered or rejected to `sites` (a probe is in one of the two sets).
  private static func merge(
    _ contents: RegistryContents, into sites: inout [String: SiteAdmission], config: SiteLimitsConfig, now: Timestamp
  ) {
    for probe in contents.registered {
      sites[probe.site, default: SiteAdmission(limits: config.limits(of: probe.site), now: now.milliseconds)]
        .registered.insert(probe.sensor)
      sites[probe.site]?.rejected.remove(probe.sensor)
    }
    for probe in contents.rejected {
      sites[probe.site, default: SiteAdmission(limits: config.limits(of: probe.site), now: now.milliseconds)]
        .rejected.insert(probe.sensor)
      sites[probe.site]?.registered.remove(probe.sensor)
    }
  }

  /// Resolves the `site_limit` alerts of sites that stayed under their limit for `clearAfterSeconds` at `now`.
  func check(now: Timestamp) -> (committed: CommittedEvents, failure: (any Error)?) {
    let quietMilliseconds = Int64(config.clearAfterSeconds * 1000)
    let due = sites.withLock { sites in
      sites.flatMap { site, admission in
        admission.alerting.compactMap { limit -> (String, SiteLimitRule.Limit, Double, Int64)? in
          let last = admission.lastExceeded[limit] ?? 0
          guard now.milliseconds - last >= quietMilliseconds else { return nil }
          return (site, limit, admission.value(of: limit), last)
        }
      }
    }
    var committed = CommittedEvents()
    for (site, limit, value, last) in due {
      let event = SiteLimitRule.resolution(
        site: site, limit: limit, value: value, quietSince: Timestamp(milliseconds: last), now: now)
      do {
        let (recorded, journal) = try store.writeJournaled { tx in try tx.apply(event) }
        committed =
          committed + CommittedEvents(alerts: [CommittedAlert(key: event.key, event: recorded)], journal: journal)
      } catch is StoreError {
        // Resolved by hand already: nothing open to resolve.
      } catch {
        return (committed, error)
      }
      sites.withLock { _ = $0[site]?.alerting.remove(limit) }
    }
    return (committed, nil)
  }

  /// Per site, the messages refused since the collector started, by reason (for `/metrics`).
  var refusedCounts: [String: [RejectionReason: Int]] {
    sites.withLock { sites in sites.compactMapValues { $0.refused.isEmpty ? nil : $0.refused } }
  }
}

/// The probes a status announced that `ProbeRegistry.admitAnnounced` registered in memory (sensor id, room), and
/// whether that took the site past `max_probes`.
struct AnnouncedProbes: Sendable {
  var new: [(sensor: String, room: String?)]
  var tripped: Bool
}
