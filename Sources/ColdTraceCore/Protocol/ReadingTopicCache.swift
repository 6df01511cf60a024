/// Reading topics already parsed into the sensor they name, so a probe's topic is split and its ids checked once,
/// not once per message (a collector sees the same few thousand topics over and over).
///
/// Only valid topics are kept; a full cache starts over, so memory stays bounded whatever topics arrive.
public struct ReadingTopicCache: Sendable {
  /// The most topics kept.
  public let capacity: Int
  private var keys: [String: SensorKey] = [:]

  public init(capacity: Int = 50_000) { self.capacity = capacity }

  /// The sensor `topic` names, as `ReadingTopic.sensorKey(from:)` says.
  public mutating func sensorKey(from topic: String) throws(PayloadRejection) -> SensorKey {
    if let key = keys[topic] { return key }
    let key = try ReadingTopic.sensorKey(from: topic)
    if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
    keys[topic] = key
    return key
  }
}
