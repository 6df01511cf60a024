import ColdTraceCore
import ColdTraceMQTT

extension SourceRouter {
  /// The availability subscriptions, each once (QoS 1: the broker delivers a will as it was published).
  var availabilityFilters: [String] {
    var seen = Set(filters.map(\.filter))
    return sources.flatMap { $0.availability.map(\.filter) }.filter { seen.insert($0).inserted }
  }

  /// Handles `message` if it is on a source's availability topic: `true` then. Every source that names the topic
  /// takes it (an ESPHome node's `status` serves the tables of each of its entities). A payload that is neither
  /// online nor offline is quarantined (`no_value`).
  func routeAvailability(_ message: ReceivedMessage, receivedAt: Timestamp) -> Bool {
    var matched = false
    for (index, source) in sources.enumerated() {
      for pattern in source.availability {
        guard let captures = pattern.match(message.topic) else { continue }
        guard let state = DeviceAvailability(payload: message.payload) else {
          quarantine(
            message, PayloadRejection(.noValue, "an availability message is neither online nor offline"), receivedAt)
          return true
        }
        matched = true
        let device = DeviceAvailability.device(source: source.name, captures: captures, shared: deviceCaptures[index])
        devices.withLock {
          $0.announce(state, device: device, at: receivedAt, graceSeconds: source.availabilityGraceMinutes * 60)
        }
      }
    }
    return matched
  }

  /// Whether some source's availability pattern matches `topic` (then `routeAvailability` takes its messages).
  func isAvailabilityTopic(_ topic: String) -> Bool {
    sources.contains { source in source.availability.contains { $0.match(topic) != nil } }
  }
}
