/// The devices of the `[[source]]`s (a Tasmota board, a Zigbee sensor, a Shelly), the probes seen from each, and the
/// ones that announced themselves offline (`DeviceAvailability`), for the `offline` rule: a probe of a device offline
/// since T is silent from T plus the grace on, whatever its normal limit. A reading from the device, or its
/// `online`, ends that.
public struct SourceDevices: Sendable {
  private var probes: [String: Set<ProbeKey>] = [:]
  private var offline: [String: (since: Timestamp, graceSeconds: Double)] = [:]

  public init() {}

  /// A reading of `probe` arrived from `device`: the device is online, unless the message was a retained one (the
  /// broker's copy of an old state, replayed on every subscription, is no sign of life: it must not hide the
  /// device's retained "offline").
  public mutating func saw(_ probe: ProbeKey, device: String, retained: Bool = false) {
    probes[device, default: []].insert(probe)
    // Most of the time no device is offline: then there is nothing to remove (and no key to hash).
    if !retained && !offline.isEmpty { offline[device] = nil }
  }

  /// Another reading from `device` of a probe `saw` already inserted under it (the caller remembers that, so the
  /// probe's key is not hashed again): as `saw`, without the insert.
  public mutating func sawAgain(device: String, retained: Bool = false) {
    if !retained && !offline.isEmpty { offline[device] = nil }
  }

  public mutating func announce(_ state: DeviceAvailability, device: String, at: Timestamp, graceSeconds: Double) {
    switch state {
    case .online: offline[device] = nil
    case .offline: if offline[device] == nil { offline[device] = (at, graceSeconds) }
    }
  }

  /// When the earliest of `probe`'s devices announced itself offline, with its grace, or `nil` if none is offline.
  public func announcedOffline(of probe: ProbeKey) -> (since: Timestamp, graceSeconds: Double)? {
    offline.filter { probes[$0.key]?.contains(probe) == true }.map(\.value).min { $0.since < $1.since }
  }

  /// How long after `lastReading` the probe counts as silent because its device announced itself offline, or `nil`.
  public func silentAfterSeconds(of probe: ProbeKey, lastReading: Timestamp) -> Double? {
    var limit: Double? = nil
    for (device, state) in offline where probes[device]?.contains(probe) == true {
      let seconds = max(0, state.since.adding(seconds: state.graceSeconds).seconds(since: lastReading))
      limit = min(limit ?? seconds, seconds)
    }
    return limit
  }
}
