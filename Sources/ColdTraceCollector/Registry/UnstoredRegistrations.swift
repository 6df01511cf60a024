import ColdTraceCore
import ColdTraceStorage
import Synchronization

/// Probes the registry registered on their first reading (`Admission.registerFirst`) whose `probe_registry` row is
/// not written yet.
///
/// The network thread only notes them here (one lock, one dictionary insert), never a transaction of its own: the
/// next group the writer commits stores all of them in its transaction (`IngestPipeline.commitGroup`), so a flooding
/// site's 50 new probes cost no transaction and no wait for the writer on the thread that reads every site's messages
/// (benchmarks/README.md, "Registrations in the writer's batch"). A probe's row is written in the transaction of its
/// first stored reading or before it; the timer round and a clean stop store whatever no group took (a first reading
/// left to its agent). Until then the registry holds the probe in memory, as it did between `admit` and the commit.
final class UnstoredRegistrations: Sendable {
  struct Registration: Equatable, Sendable {
    let probe: ProbeKey
    /// The room its first reading's topic named.
    let room: String
    let at: Timestamp
  }

  private let waiting = Mutex<[ProbeKey: Registration]>([:])

  /// Notes the registration of the probe of `key`, decided at `at`.
  func note(_ key: SensorKey, at: Timestamp) {
    let probe = ProbeKey(site: key.site, sensor: key.sensor)
    waiting.withLock { waiting in
      if waiting[probe] == nil { waiting[probe] = Registration(probe: probe, room: key.room, at: at) }
    }
  }

  /// What waits to be stored, oldest first (the caller writes it, then calls `stored`).
  func waitingRegistrations() -> [Registration] {
    let waiting = waiting.withLock { Array($0.values) }
    return waiting.sorted { first, second in
      (first.at.milliseconds, first.probe.site, first.probe.sensor)
        < (second.at.milliseconds, second.probe.site, second.probe.sensor)
    }
  }

  /// Forgets `registrations`, now committed (or refused by the database for good).
  func stored(_ registrations: [Registration]) {
    guard !registrations.isEmpty else { return }
    waiting.withLock { waiting in
      for registration in registrations where waiting[registration.probe] == registration {
        waiting[registration.probe] = nil
      }
    }
  }

  /// Writes `registrations` in `tx` (origin `auto`). Returns those the database refused for a reason that will not
  /// pass (a transient failure throws, and the whole transaction is tried again): they are dropped, not retried, so
  /// they cannot fail every group after them; the probe stays registered in memory and, under the `register` policy,
  /// is registered again from its first reading after a restart.
  static func write(_ registrations: [Registration], in tx: WriteTransaction) throws -> [Registration] {
    var refused: [Registration] = []
    for registration in registrations {
      do {
        try tx.registerProbe(registration.probe, room: registration.room, origin: .auto, at: registration.at)
      } catch  where !SQLiteStore.isTransient(error) {
        refused.append(registration)
      }
    }
    return refused
  }
}
