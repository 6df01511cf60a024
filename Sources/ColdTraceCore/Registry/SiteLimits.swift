/// What the collector does with a reading of a probe it does not know (docs/operations.md, "Sites and their limits").
public enum ProbePolicy: String, Sendable, Equatable, CaseIterable {
  /// Registered on its first reading, while the site has fewer than `max_probes` registered probes; past that its
  /// readings are quarantined (`site_probe_limit`) until an operator approves it.
  case register
  /// Quarantined (`unknown_probe`) until the site's agent announces it or an operator approves it.
  case hold
}

/// One site's limits: how it treats unknown probes, how many probes it may have registered automatically, and how
/// many readings (messages) per second it may send, sustained and in a burst (a token bucket).
public struct SiteLimits: Sendable, Equatable {
  public var probePolicy: ProbePolicy = .register
  /// Probes registered automatically or by announcement stop here; an operator's `probe approve` may go past it.
  public var maxProbes = 200
  /// Reading messages per second, sustained (a `samples` batch is one message).
  public var readingsPerSecond: Double = 1000
  /// Reading messages accepted at once above the sustained rate (the bucket's size): a backlog a broker delivers
  /// after the collector was away arrives this fast.
  public var burstReadings: Double = 60000

  public init() {}
}

/// Every site's limits: the defaults (`[sites]`) and each site's own (`[sites.<id>]`), and how long a site must stay
/// under a limit before its `site_limit` alert resolves.
public struct SiteLimitsConfig: Sendable, Equatable {
  public var defaults = SiteLimits()
  public var sites: [String: SiteLimits] = [:]
  /// A `site_limit` alert resolves once nothing went past the limit for this long.
  public var clearAfterSeconds: Double = 600

  public init() {}

  /// The limits of `site`: its own, else the defaults.
  public func limits(of site: String) -> SiteLimits { sites[site] ?? defaults }
}
