import ColdTraceCore
import ColdTraceStorage

/// What the collector keeps in memory of each probe between groups, as committed: its alert engine state, its
/// acknowledgement watermark (in stored numbers) and current agent install, its source row (only the collector writes
/// `sources`), the room it hangs in and its placement.
struct CommittedProbe {
  var engine = SensorRuleState()
  var tracker = WatermarkTracker()
  var source: SourceRow?
  var room: String?
  var placement = Placement.air
  /// Retired by the shell (read at start and on every timer round, and by the silence check): its readings judge
  /// nothing and it is never checked for silence again (readings do not bring a retired probe back).
  var retired = false
  /// The agent install whose numbers the watermark counts, and their offset in storage (`nil`: none announced, the
  /// numbers are stored as sent).
  var incarnation: ProbeIncarnation?
  /// Whether a `seq_reset` alert is open (or acknowledged) for the probe: its next sample stored as new resolves it.
  var sequenceResetOpen = false
}

/// A room of a site, as a dictionary key.
struct RoomKey: Hashable {
  var site: String
  var room: String
}

/// Every probe's committed state, and per room the probes that measure the product there (`product` or `simulant`
/// hanging in it), kept up to date on every change so that a group learns whether its rooms have one without a scan
/// of every probe; and the defrost and door state of every room that has had one.
struct CommittedProbes {
  private(set) var probes: [ProbeKey: CommittedProbe] = [:]
  /// Per room, its defrosts and doors as committed (docs/alert-rules.md, "Defrost and doors").
  var conditions: [RoomKey: RoomConditions] = [:]
  /// Per site with an undecided group wait (`CrossingGroupRule`: a wait is the site's, for all its rooms), the event
  /// time its earliest one ends: a sample of the site past it decides the wait. In the database too
  /// (`alerts.group_wait_ms`), read at start.
  var groupWaits: [String: Timestamp] = [:]
  /// Per site in `groupWaits`, the end the timer last saw and when (the collector's clock): a wait no sample of its
  /// site decides is decided by the timer once the group wait has passed on that clock (the site went quiet).
  var groupWaitsNoticed: [String: (end: Timestamp, at: Timestamp)] = [:]
  private var productProbes: [RoomKey: Set<String>] = [:]

  subscript(probe: ProbeKey) -> CommittedProbe? {
    get { probes[probe] }
    set {
      let old = probes[probe]
      probes[probe] = newValue
      guard old?.room != newValue?.room || old?.placement != newValue?.placement else { return }
      if let old, let room = old.room, old.placement.measuresProduct {
        let key = RoomKey(site: probe.site, room: room)
        productProbes[key]?.remove(probe.sensor)
        if productProbes[key]?.isEmpty == true { productProbes[key] = nil }
      }
      if let new = newValue, let room = new.room, new.placement.measuresProduct {
        productProbes[RoomKey(site: probe.site, room: room), default: []].insert(probe.sensor)
      }
    }
  }

  /// Whether a probe measuring the product hangs in `room`, as committed.
  func hasProductProbe(_ room: RoomKey) -> Bool { productProbes[room] != nil }
}
