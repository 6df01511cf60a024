import ColdTraceCore
import ColdTraceStorage
import Logging
import Synchronization

/// Follows the site brokers' link to the central broker: each bridge's notification topic,
/// `coldtrace/v1/bridge/<site>`, where mosquitto publishes `1` (retained) when the bridge connects and the central
/// broker publishes the bridge's will, `0`, when the link drops (docs/protocol.md, "Site brokers").
///
/// A change is logged and recorded in the database (`site_bridges`, for `coldtrace status`); `/metrics` shows each
/// site's state (`coldtrace_site_bridge_up`). A repeat of the state known (a retained message replayed at every
/// connection) changes nothing but the time last seen. The timer round (`check`) opens `uplink_down` for a bridge
/// down past the rule's grace and resolves it once the bridge is back.
final class SiteBridgeTracker: Sendable {
  static let prefix = Topics.root + "/bridge/"
  let store: SQLiteStore
  let logger: Logger
  let rule: SiteUplinkRule
  private let states: Mutex<[String: SiteBridgeState]>
  /// How far each site's open (or acknowledged) `uplink_down` has gone; sites without one are absent.
  private let alerting: Mutex<[String: SiteUplinkRule.Level]>

  init(store: SQLiteStore, logger: Logger, rule: SiteUplinkRule = SiteUplinkRule()) throws {
    self.store = store
    self.logger = logger
    self.rule = rule
    var known: [String: SiteBridgeState] = [:]
    for state in try store.siteBridges() { known[state.site] = state }
    states = Mutex(known)
    // Alerts left open by a previous run stay open until the bridge says 1.
    var open: [String: SiteUplinkRule.Level] = [:]
    for state in [AlertState.open, .acked] {
      var filter = AlertFilter()
      filter.state = state
      for alert in try store.alerts(filter) where alert.kind == .uplinkDown {
        open[alert.site] = SiteUplinkRule.Level(alert.severity)
      }
    }
    alerting = Mutex(open)
  }

  /// Opens or resolves the `uplink_down` alerts due at `now`, one transaction each. A failure stops the round: what
  /// was committed before it is returned with it.
  func check(now: Timestamp) -> (committed: CommittedEvents, failure: (any Error)?) {
    var committed = CommittedEvents()
    let snapshot = states.withLock { $0 }
    for (site, state) in snapshot.sorted(by: { $0.key < $1.key }) {
      var level = alerting.withLock { $0[site] ?? .none }
      guard let event = rule.evaluate(site: site, up: state.up, since: state.since, level: &level, now: now) else {
        continue
      }
      do {
        let (recorded, journal) = try store.writeJournaled { tx in try tx.apply(event) }
        committed =
          committed + CommittedEvents(alerts: [CommittedAlert(key: event.key, event: recorded)], journal: journal)
      } catch is StoreError where event.type == .resolved {
        // Nothing open to resolve (resolved by hand): the uplink is simply back.
      } catch {
        return (committed, error)
      }
      alerting.withLock { $0[site] = level == .none ? nil : level }
    }
    return (committed, nil)
  }

  /// Every site's link state, by site.
  var current: [String: SiteBridgeState] { states.withLock { $0 } }

  /// Each site broker's link as the silence check needs it, when the rule stands in for the probes' `offline` alerts
  /// (a grace is set): a site whose bridge is down is not judged; one whose bridge is back is judged from then, so the
  /// outage itself never counts as its probes' silence. Empty without a grace: probes are judged as any other.
  var siteLinks: [String: SiteLink] {
    guard rule.holdsOfflineAlerts else { return [:] }
    return states.withLock { $0.mapValues { $0.up ? .upSince($0.since) : .down } }
  }

  /// Takes a message on `coldtrace/v1/bridge/<site>`; returns `false` when the topic or payload is not a link state
  /// (the caller logs it).
  func receive(topic: String, payload: UnsafeRawBufferPointer, now: Timestamp) -> Bool {
    let site = String(topic.dropFirst(Self.prefix.count))
    guard topic.hasPrefix(Self.prefix), Identifier.isValid(site, as: .site), payload.count == 1,
      payload[0] == UInt8(ascii: "0") || payload[0] == UInt8(ascii: "1")
    else { return false }
    let up = payload[0] == UInt8(ascii: "1")
    let (state, changed) = states.withLock { states -> (SiteBridgeState, Bool) in
      var state = states[site] ?? SiteBridgeState(site: site, up: up, since: now, seen: now)
      let changed = states[site] == nil || state.up != up
      if changed {
        state.up = up
        state.since = now
      }
      state.seen = now
      states[site] = state
      return (state, changed)
    }
    guard changed else { return true }
    if up {
      logger.notice("site \(site): its site broker's bridge is connected (uplink up)")
    } else {
      let keeps = "the site broker keeps its readings until it is back"
      logger.warning("site \(site): its site broker's bridge is down (uplink or site broker lost); \(keeps)")
    }
    do {
      try store.write { try $0.recordSiteBridge(state) }
    } catch {
      // The live state (logs, /metrics) holds; `coldtrace status` shows the one recorded before.
      logger.error("cannot record the bridge state of site \(site): \(SQLiteStore.summary(of: error))")
    }
    return true
  }
}

extension CollectorMetrics {
  /// `coldtrace_site_bridge_up{site}` (1 while the site broker's bridge is connected to the central broker, else 0)
  /// and `coldtrace_site_bridge_since_timestamp_seconds{site}` (when it last came up or went down), for every site
  /// whose site broker ever announced its link. Sites without a site broker have no series.
  static func writeSiteBridges(_ states: [String: SiteBridgeState], into text: inout MetricsText) {
    let sites = states.keys.sorted()
    text.family(
      "coldtrace_site_bridge_up", .gauge,
      "1 while the site broker's bridge to the central broker is connected, else 0 (the bridge's own notification).")
    for site in sites { text.sample("coldtrace_site_bridge_up", ["site": site], states[site]!.up ? 1 : 0) }
    text.family(
      "coldtrace_site_bridge_since_timestamp_seconds", .gauge,
      "When the site broker's bridge last came up or went down, as the collector saw it, in Unix seconds.")
    for site in sites {
      text.sample(
        "coldtrace_site_bridge_since_timestamp_seconds", ["site": site],
        Double(states[site]!.since.milliseconds) / 1000)
    }
  }
}
