extension ReadingDecoder {
  /// The publishing agent and its `sent` time of a reading payload that was refused (a clock so far ahead that its
  /// samples are `future_timestamp`), for the `clock_skew` judge: a general parse of the envelope alone; `nil` when
  /// either is missing or unreadable.
  public static func sender(of payload: UnsafeRawBufferPointer) -> (agent: String, sent: Timestamp)? {
    guard payload.count <= maxPayloadBytes, case .object(let object)? = try? JSONParser.parse(payload) else {
      return nil
    }
    var agent: String?
    var sent: Timestamp?
    for member in object.members {
      switch (member.key, member.value) {
      case ("agent", .string(let text)) where Identifier.isValid(text, as: .agent): agent = text
      case ("sent", let value): sent = SampleDecoder.sentTime(value)
      default: break
      }
    }
    guard let agent, let sent else { return nil }
    return (agent, sent)
  }
}
