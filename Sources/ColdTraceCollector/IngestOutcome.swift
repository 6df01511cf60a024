import ColdTraceCore
import ColdTraceStorage

/// What became of one incoming message. (What to acknowledge to its agent is the group's: `GroupOutcome`.)
public enum IngestOutcome: Sendable, Equatable {
  /// Stored: `fresh` samples were new, `duplicates` were already stored (a redelivery), `alerts` are the alert events
  /// the fresh samples caused, as committed.
  case stored(fresh: Int, duplicates: Int, alerts: [CommittedAlert])
  /// Rejected and kept in the quarantine table with its raw bytes.
  case quarantined(PayloadRejection)
}

/// A committed watermark for one agent's sensor (docs/protocol.md, "Acknowledgement payload").
public struct Acknowledgement: Sendable, Equatable {
  public var site: String
  public var agent: String
  public var sensor: String
  /// In the agent's numbers (the incarnation's offset taken off).
  public var watermark: Int64
  /// Set when stored numbers wait above a gap: the first missing one and the highest stored.
  public var gap: ClosedRange<Int64>?
  /// The agent install the watermark counts the samples of (`nil`: its readings name none).
  public var incarnation: String? = nil
}

/// An alert event as committed, and where it was raised: the site and room of the reading (or of the probe, for a
/// timer rule) that raised it, whose alert topic and notification group it goes to. An escalation or resolution may
/// come from another room than the one the alert opened in (the probe, or the lot, moved); its line keeps that room.
public struct CommittedAlert: Sendable, Equatable {
  public var key: SensorKey
  public var event: RecordedEvent

  public init(key: SensorKey, event: RecordedEvent) {
    self.key = key
    self.event = event
  }

  /// The event's journal and alert-topic line.
  public var line: String { event.line }
}

/// What a commit hands on to the alert fan-out: the alert events to publish and notify, and every journal line the
/// transaction appended (alert events, and lines that are none, such as a completed cold treatment), for the file.
public struct CommittedEvents: Sendable {
  public var alerts: [CommittedAlert] = []
  public var journal: [JournalLine] = []

  public init(alerts: [CommittedAlert] = [], journal: [JournalLine] = []) {
    self.alerts = alerts
    self.journal = journal
  }

  public static func + (lhs: CommittedEvents, rhs: CommittedEvents) -> CommittedEvents {
    CommittedEvents(alerts: lhs.alerts + rhs.alerts, journal: lhs.journal + rhs.journal)
  }
}

extension IngestPipeline {
  /// A committed group: one outcome per reading, and per probe whose agent numbered its samples the acknowledgement as
  /// the group leaves it (what the agent is told).
  public struct GroupOutcome: Sendable {
    public var outcomes: [IngestOutcome]
    public var acknowledgements: [Acknowledgement]
    /// Every journal line the transaction appended, in order.
    public var journal: [JournalLine]
    /// First-reading registrations the transaction could not store for good (`UnstoredRegistrations.write`).
    var refusedRegistrations: [ProbeKey] = []
    /// Where the commit's time went: the wait for the probes' committed state (held by a status's placements or the
    /// timer rules), and the transaction's phases (for the writer's slow-round log).
    var lockWait: Duration = .zero
    var phases = WritePhases()

    /// The alert events of every outcome, and the journal lines.
    public var events: CommittedEvents {
      var alerts: [CommittedAlert] = []
      for case .stored(_, _, let raised) in outcomes { alerts += raised }
      return CommittedEvents(alerts: alerts, journal: journal)
    }
  }
}
