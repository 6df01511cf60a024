import ColdTraceCore
import Synchronization

/// Per data topic (`SourceTopicRoutes.Route.data`), the probes its readings named and what `SourceRouter.route`
/// already recorded for each in this run: that its device carries it (`SourceDevices.saw`), that its placement and
/// offline limit were noted (`SourceRouter.note`), and where the repeat filter keeps its last reading
/// (`RepeatFilter.Slot`) and the registry its site and registration (`ProbeRegistry.Slot`). The first two tables only
/// grow, so once recorded a fact stays true; a slot is checked by its owner, which ignores one from before the filter
/// started over, or a registration from before an operator rejected a probe. A later reading of the same probe on the
/// same topic compares its key here and skips those lookups (each hashing the site and sensor again). A topic dropped from the route cache takes its memory with it: its next
/// reading records both again, which changes nothing.
///
/// Bounded: a topic that names more than `capacity` probes (a board's many DS18B20s) records the rest each time.
final class TopicProbeMemory: Sendable {
  struct Facts: Equatable {
    /// `SourceDevices.saw` inserted the probe under this topic's device.
    var deviceKnows = false
    /// `SourceRouter.note` recorded the probe.
    var noted = false
    /// Where the repeat filter keeps the probe's last reading (it checks that the slot is still current).
    var repeatSlot: RepeatFilter.Slot?
    /// Where the probe registry found the probe's site, and whether the probe was registered then (it checks both).
    var registrySlot: ProbeRegistry.Slot?
  }

  private struct Entry {
    var key: SensorKey
    var facts: Facts
  }

  private let entries = Mutex<[Entry]>([])
  /// The most probes remembered per topic.
  let capacity: Int

  init(capacity: Int = 8) { self.capacity = capacity }

  /// What was recorded for `key` on this topic (nothing for a probe not seen here).
  func facts(of key: SensorKey) -> Facts {
    entries.withLock { entries in entries.first { $0.key == key }?.facts ?? Facts() }
  }

  /// Remembers that `update` became true for `key`; a probe past `capacity` is not remembered.
  func record(_ key: SensorKey, _ update: (inout Facts) -> Void) {
    entries.withLock { entries in
      if let index = entries.firstIndex(where: { $0.key == key }) {
        update(&entries[index].facts)
      } else if entries.count < capacity {
        var facts = Facts()
        update(&facts)
        entries.append(Entry(key: key, facts: facts))
      }
    }
  }
}
