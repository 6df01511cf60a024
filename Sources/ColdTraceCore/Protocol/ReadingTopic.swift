/// The reading topic `coldtrace/v1/reading/<site>/<room>/<sensor>` and the `SensorKey` it names.
public enum ReadingTopic {
  static let shape = "coldtrace/v1/reading/<site>/<room>/<sensor>"

  /// The sensor a reading topic names. Refuses (`bad_topic`) anything but exactly six levels
  /// `coldtrace/v1/reading/<site>/<room>/<sensor>`, and (`invalid_id`) a site, room or sensor that breaks the id rule.
  public static func sensorKey(from topic: String) throws(PayloadRejection) -> SensorKey {
    let levels = topic.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    guard levels.count == 6 else {
      throw PayloadRejection(
        .badTopic, "topic \(Excerpt.quoted(topic)) has \(levels.count) levels; expected 6: \(shape)")
    }
    guard levels[0].elementsEqual("coldtrace".utf8), levels[1].elementsEqual("v1".utf8),
      levels[2].elementsEqual("reading".utf8)
    else {
      throw PayloadRejection(.badTopic, "topic \(Excerpt.quoted(topic)) is not a reading topic; expected \(shape)")
    }
    let site = Substring(levels[3])
    let room = Substring(levels[4])
    let sensor = Substring(levels[5])
    do throws(InvalidIdentifier) {
      try Identifier.validate(site, as: .site)
      try Identifier.validate(room, as: .room)
      try Identifier.validate(sensor, as: .sensor)
    } catch {
      throw PayloadRejection(.invalidID, "topic \(Excerpt.quoted(topic)): \(error)")
    }
    return SensorKey(site: String(site), room: String(room), sensor: String(sensor))
  }

  /// The topic a sensor's readings are published on.
  public static func topic(for key: SensorKey) -> String { Topics.reading(key) }
}
