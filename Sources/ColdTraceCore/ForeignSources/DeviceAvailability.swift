/// A device's own online/offline announcement: Zigbee2MQTT's `<name>/availability` (`{"state":"offline"}`, or
/// `offline` before 2.0), Tasmota's `tele/<topic>/LWT` (`Offline`), ESPHome's `<prefix>/status` (`offline`), Shelly's
/// `<id>/online` (`false`). Usually the broker publishes it as the device's will, retained.
public enum DeviceAvailability: Sendable, Equatable {
  case online
  case offline

  /// The state a payload announces, or `nil` if it is none of the known words.
  public init?(payload: UnsafeRawBufferPointer) {
    guard let text = String(validating: payload, as: UTF8.self) else { return nil }
    self.init(text: text)
  }

  /// The state a payload's text announces, or `nil`.
  public init?(text: String) {
    var word = text.lowercased().filter { !$0.isWhitespace }
    if word.hasPrefix("{"), let document = try? JSONParser.parse(text),
      case .string(let state)? = document.at(path: "state")
    {
      word = state.lowercased()
    }
    switch word {
    case "online", "true", "1": self = .online
    case "offline", "false", "0": self = .offline
    default: return nil
    }
  }

  /// The device a topic belongs to, for `SourceMapping`: the source's name and the values of the captures that the
  /// availability pattern shares with the data patterns (`{room}` of `tele/{room}-esp/LWT` and
  /// `tele/{room}-esp/SENSOR`), in name order.
  public static func device(source: String, captures: [String: String], shared: [String]) -> String {
    ([source] + shared.map { captures[$0] ?? "" }).joined(separator: "\u{1F}")
  }
}
