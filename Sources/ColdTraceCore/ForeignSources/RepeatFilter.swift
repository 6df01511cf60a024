/// Per probe of the `[[source]]`s, the last reading stored, to keep cached or replayed state from becoming new
/// readings, and to keep receipt times of one probe strictly increasing.
///
/// - A reading with the same values and the same time as the probe's last one is a replay (Zigbee2MQTT's
///   `cache_state_send_on_startup`, a retained message with its payload time): not stored.
/// - With `repeatWithinSeconds` > 0, a reading with the same values within that many seconds of the last one is a
///   repeat of cached state (a Zigbee2MQTT battery report carries the old temperature again): not stored.
/// - A receipt-timed reading in the same millisecond as the probe's last one (Shelly Gen1's temperature and humidity
///   topics arrive together) is moved 1 ms later, so storing by (site, sensor, time) keeps both.
///
/// Memory only: after a restart the first reading of each probe is stored (storage itself drops an exact
/// (site, sensor, time) duplicate).
public struct RepeatFilter: Sendable {
  struct Last: Sendable {
    var ts: Timestamp
    var tempC: Double?
    var rhPct: Double?
  }

  /// Where each probe's last reading is in `entries`.
  private var indices: [SensorKey: Int] = [:]
  private var entries: [Last] = []
  /// Counts the times the filter started over: a `Slot` of an earlier one is stale.
  private var generation = 0
  /// The most probes remembered; a full filter starts over, so memory stays bounded whatever topics arrive.
  public let capacity: Int

  /// Where a probe's last reading is kept, for a caller that remembers it per probe (`admit(_:slot:...)`): the next
  /// reading of that probe then finds it without hashing its key. Valid until the filter starts over.
  public struct Slot: Sendable, Equatable {
    fileprivate let index: Int
    fileprivate let generation: Int
  }

  public init(capacity: Int = 50_000) { self.capacity = capacity }

  /// Whether `reading` (one sample) is new; adjusts a receipt time that collides with the last one.
  public mutating func admit(_ reading: inout DecodedReading, repeatWithinSeconds: Double, receiptTime: Bool) -> Bool {
    var slot: Slot?
    return admit(&reading, slot: &slot, repeatWithinSeconds: repeatWithinSeconds, receiptTime: receiptTime)
  }

  /// As `admit(_:repeatWithinSeconds:receiptTime:)`, with `slot`: where the caller last found this probe (`nil`
  /// when it does not know), updated to where it is now. A slot from before the filter started over is not used.
  public mutating func admit(
    _ reading: inout DecodedReading, slot: inout Slot?, repeatWithinSeconds: Double, receiptTime: Bool
  ) -> Bool {
    guard var sample = reading.samples.first else { return false }
    let known: Int?
    if let slot, slot.generation == generation {
      known = slot.index
    } else {
      known = indices[reading.key]
    }
    if let known {
      guard
        Self.isNew(
          &sample, after: entries[known], repeatWithinSeconds: repeatWithinSeconds, receiptTime: receiptTime)
      else {
        slot = Slot(index: known, generation: generation)
        return false
      }
      if sample.ts != reading.samples[0].ts { reading.samples[0] = sample }
      // A known probe below capacity (the usual case): its entry replaced in place.
      if entries.count < capacity {
        entries[known] = Last(ts: sample.ts, tempC: sample.tempC, rhPct: sample.rhPct)
        slot = Slot(index: known, generation: generation)
        return true
      }
    }
    if entries.count >= capacity {
      indices.removeAll(keepingCapacity: true)
      entries.removeAll(keepingCapacity: true)
      generation &+= 1
    }
    indices[reading.key] = entries.count
    entries.append(Last(ts: sample.ts, tempC: sample.tempC, rhPct: sample.rhPct))
    slot = Slot(index: entries.count - 1, generation: generation)
    return true
  }

  /// Whether `sample` is new after its probe's `previous` one; moves a receipt time that collides 1 ms after it.
  private static func isNew(
    _ sample: inout Sample, after previous: Last, repeatWithinSeconds: Double, receiptTime: Bool
  )
    -> Bool
  {
    let same = previous.tempC == sample.tempC && previous.rhPct == sample.rhPct
    if same && (sample.ts == previous.ts || abs(sample.ts.seconds(since: previous.ts)) < repeatWithinSeconds) {
      return false
    }
    if receiptTime && sample.ts <= previous.ts { sample.ts = Timestamp(milliseconds: previous.ts.milliseconds + 1) }
    return true
  }
}
