/// MQTT topic names and filters (`+` one level, `#` every level below), for the in-memory transport.
public enum TopicFilter {
  /// Whether `filter` matches `topic`. Topics starting with `$` are not matched by a leading wildcard.
  public static func matches(_ filter: String, topic: String) -> Bool {
    if topic.hasPrefix("$") && (filter.hasPrefix("+") || filter.hasPrefix("#")) { return false }
    let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
    let parts = filter.split(separator: "/", omittingEmptySubsequences: false)
    for (index, part) in parts.enumerated() {
      if part == "#" { return true }
      guard index < levels.count else { return false }
      if part != "+" && part != levels[index] { return false }
    }
    return parts.count == levels.count
  }

  /// A topic one may publish to: not empty, no wildcard, no NUL.
  public static func isValidTopic(_ topic: String) -> Bool {
    !topic.isEmpty && !topic.contains { $0 == "+" || $0 == "#" || $0 == "\0" }
  }

  /// A filter one may subscribe to: not empty; `+` and `#` only as whole levels, `#` only last.
  public static func isValid(_ filter: String) -> Bool {
    guard !filter.isEmpty, !filter.contains("\0") else { return false }
    let parts = filter.split(separator: "/", omittingEmptySubsequences: false)
    for (index, part) in parts.enumerated() where part.contains("+") || part.contains("#") {
      if part == "+" { continue }
      if part == "#" && index == parts.count - 1 { continue }
      return false
    }
    return true
  }
}
