import ColdTraceCore

/// What the registry decides for one reading (`ProbeRegistry.admit`).
enum Admission: Equatable {
  /// A registered probe, within its site's rate: ingest it.
  case admitted
  /// An unknown probe the site's policy registers now (the caller stores the registration, then ingests it).
  case registerFirst
  /// Keep the message in quarantine under `reason`. `pending`: count it in `pending_probes`; `silent`: no log line
  /// (a probe an operator rejected); `tripped`: the site just went past this limit, open its `site_limit` alert.
  case refuse(RejectionReason, pending: Bool, silent: Bool, tripped: SiteLimitRule.Limit?)
}

/// One site's part of the registry: its limits, its token bucket, its registered and rejected sensor ids, and when it
/// last went past each limit. Pure: `ProbeRegistry` holds one per site under its lock.
struct SiteAdmission {
  /// The most pending ids counted per site in `pending_probes` (a flood of invented ids must not grow it without end;
  /// the quarantine table keeps every message).
  static let maxPendingTracked = 1000

  let limits: SiteLimits
  var bucket: TokenBucket
  var registered: Set<String> = []
  var rejected: Set<String> = []
  var pendingTracked: Set<String> = []
  /// Per limit, when a message last went past it (milliseconds), and whether its alert is open.
  var lastExceeded: [SiteLimitRule.Limit: Int64] = [:]
  var alerting: Set<SiteLimitRule.Limit> = []
  /// Messages refused since the collector started, by reason (for `/metrics`).
  var refused: [RejectionReason: Int] = [:]

  init(limits: SiteLimits, now: Int64) {
    self.limits = limits
    bucket = TokenBucket(rate: limits.readingsPerSecond, capacity: limits.burstReadings, now: now)
  }

  /// The decision for a reading of `sensor` at `now` (milliseconds): the rate first (one subtraction and a
  /// multiplication), then the probe (one set lookup). `configured`: the reading comes through a `[[source]]` of the
  /// collector's config, which names its probes: it is registered under either policy, up to `max_probes`.
  /// `knownRegistered`: the caller knows `sensor` is in `registered` (`ProbeRegistry.Slot`): the set is not asked.
  mutating func admit(sensor: String, now: Int64, configured: Bool = false, knownRegistered: Bool = false) -> Admission
  {
    guard bucket.take(now: now) else { return refuse(.siteRateLimit, sensor: sensor, now: now) }
    if knownRegistered || registered.contains(sensor) { return .admitted }
    if rejected.contains(sensor) {
      refused[.unknownProbe, default: 0] += 1
      return .refuse(.unknownProbe, pending: true, silent: true, tripped: nil)
    }
    switch configured ? .register : limits.probePolicy {
    case .hold:
      return refuse(.unknownProbe, sensor: sensor, now: now)
    case .register:
      guard registered.count < limits.maxProbes else { return refuse(.siteProbeLimit, sensor: sensor, now: now) }
      registered.insert(sensor)
      return .registerFirst
    }
  }

  /// Registers announced sensor ids while the site is under `max_probes`: the ones to store, and whether the site
  /// just went past `max_probes` (open its alert).
  mutating func announce(_ sensors: [String], now: Int64) -> (new: [String], tripped: Bool) {
    var new: [String] = []
    var overLimit = false
    for sensor in sensors where !registered.contains(sensor) && !rejected.contains(sensor) {
      guard registered.count < limits.maxProbes else {
        overLimit = true
        continue
      }
      registered.insert(sensor)
      new.append(sensor)
    }
    guard overLimit else { return (new, false) }
    lastExceeded[.maxProbes] = now
    return (new, alerting.insert(.maxProbes).inserted)
  }

  private mutating func refuse(_ reason: RejectionReason, sensor: String, now: Int64) -> Admission {
    refused[reason, default: 0] += 1
    var pending = false
    if reason != .siteRateLimit,
      pendingTracked.contains(sensor) || pendingTracked.count < Self.maxPendingTracked
    {
      pendingTracked.insert(sensor)
      pending = true
    }
    let limit: SiteLimitRule.Limit? =
      switch reason {
      case .siteRateLimit: .maxReadingsPerSecond
      case .siteProbeLimit: .maxProbes
      default: nil
      }
    var tripped: SiteLimitRule.Limit?
    if let limit {
      lastExceeded[limit] = now
      if alerting.insert(limit).inserted { tripped = limit }
    }
    return .refuse(reason, pending: pending, silent: false, tripped: tripped)
  }

  /// The value of `limit` in this site's configuration (what its alert names).
  func value(of limit: SiteLimitRule.Limit) -> Double {
    switch limit {
    case .maxProbes: Double(limits.maxProbes)
    case .maxReadingsPerSecond: limits.readingsPerSecond
    }
  }
}
