import ColdTraceCore

/// A site broker's link to the centre as the silence check sees it (`SiteBridgeTracker.siteLinks`): down, its probes
/// are unseen rather than silent (`uplink_down` stands in for their `offline` alerts); or back since a time, from which
/// their silence counts (their readings of the outage are still on the way, or were never queued: a device's QoS 0).
public enum SiteLink: Sendable, Equatable {
  case down
  case upSince(Timestamp)
}
