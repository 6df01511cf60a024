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
  private let sites: Mutex<RegistrySites>
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
    var sites = RegistrySites(config: config)
    let contents = try store.probeRegistry()
    Self.merge(contents, into: &sites, now: now)
    lastChange = Mutex(contents.lastChange)
    var open = AlertFilter()
    open.state = .open
    var acked = AlertFilter()
    acked.state = .acked
    for alert in try store.alerts(open) + store.alerts(acked) where alert.kind == .siteLimit {
      guard let limit = SiteLimitRule.Limit(rawValue: alert.sensor) else { continue }
      sites.update(alert.site, now: now.milliseconds) { site in
        site.alerting.insert(limit)
        site.lastExceeded[limit] = now.milliseconds
      }
    }
    self.sites = Mutex(sites)
  }

  /// Where a probe's site is in the registry, and whether its probe was registered as of the registry's latest
  /// removal (`RegistrySites.removals`): kept per probe by a caller (`TopicProbeMemory`), it spares the next reading
  /// the two lookups by site and sensor id. One probe's slot is never another's. Checked before use: a slot whose
  /// place is not its site's, or whose registration came before an operator's rejection, is not relied on.
  struct Slot: Sendable, Equatable {
    fileprivate let place: Int
    fileprivate let registeredAsOf: Int?
  }

  /// The decision for a reading of `key` received at `now`.
  func admit(_ key: SensorKey, now: Timestamp, configured: Bool = false) -> Admission {
    var slot: Slot?
    return admit(key, now: now, configured: configured, slot: &slot)
  }

  /// As `admit(_:now:configured:)`, with `slot`: where the caller last found this probe (`nil` when it does not
  /// know), updated for the next reading. The same decision either way: a registered probe still passes its site's
  /// rate first, and one an operator rejected since is looked up again.
  func admit(_ key: SensorKey, now: Timestamp, configured: Bool = false, slot: inout Slot?) -> Admission {
    let known = slot
    let (admission, updated) = sites.withLock { sites in
      let place: Int
      if let known, sites.holds(key.site, at: known.place) {
        place = known.place
      } else {
        place = sites.place(of: key.site, now: now.milliseconds)
      }
      let stillRegistered = known?.place == place && known?.registeredAsOf == sites.removals
      let admission = sites.update(at: place) {
        $0.admit(sensor: key.sensor, now: now.milliseconds, configured: configured, knownRegistered: stillRegistered)
      }
      let registered = admission == .admitted || admission == .registerFirst
      return (admission, Slot(place: place, registeredAsOf: registered ? sites.removals : nil))
    }
    slot = updated
    return admission
  }

  /// Registers what an agent of `site` announced (sensor id → room, `nil` when only its placement was announced),
  /// up to the site's `max_probes`, in memory: their readings are admitted from now on. `storeAnnounced` stores them.
  func admitAnnounced(_ probes: [String: String?], site: String, now: Timestamp) -> AnnouncedProbes {
    let (new, tripped) = sites.withLock { sites in
      sites.update(site, now: now.milliseconds) { $0.announce(probes.keys.sorted(), now: now.milliseconds) }
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
    sites.withLock { Self.merge(contents, into: &$0, now: now) }
  }

  /// Adds what `contents` registered or rejected to `sites` (a probe is in one of the two sets).
  private static func merge(
    _ contents: RegistryContents, into sites: inout RegistrySites, now: Timestamp
  ) {
    for probe in contents.registered {
      sites.update(probe.site, now: now.milliseconds) { site in
        site.registered.insert(probe.sensor)
        site.rejected.remove(probe.sensor)
      }
    }
    for probe in contents.rejected {
      let removed = sites.update(probe.site, now: now.milliseconds) { site in
        site.rejected.insert(probe.sensor)
        return site.registered.remove(probe.sensor) != nil
      }
      if removed { sites.noteRemoval() }
    }
  }

  /// Resolves the `site_limit` alerts of sites that stayed under their limit for `clearAfterSeconds` at `now`.
  func check(now: Timestamp) -> (committed: CommittedEvents, failure: (any Error)?) {
    let quietMilliseconds = Int64(config.clearAfterSeconds * 1000)
    let due = sites.withLock { sites in
      sites.all.flatMap { site, admission in
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
      sites.withLock { _ = $0.update(site, now: now.milliseconds) { $0.alerting.remove(limit) } }
    }
    return (committed, nil)
  }

  /// Per site, the messages refused since the collector started, by reason (for `/metrics`).
  var refusedCounts: [String: [RejectionReason: Int]] {
    sites.withLock { sites in
      var counts: [String: [RejectionReason: Int]] = [:]
      for (site, admission) in sites.all where !admission.refused.isEmpty { counts[site] = admission.refused }
      return counts
    }
  }
}

/// The probes a status announced that `ProbeRegistry.admitAnnounced` registered in memory (sensor id, room), and
/// whether that took the site past `max_probes`.
struct AnnouncedProbes: Sendable {
  var new: [(sensor: String, room: String?)]
  var tripped: Bool
}
