/// A `[[source]]` topic pattern: MQTT levels where a level may hold captures, e.g. `zigbee2mqtt/{room}-{sensor}` or
/// `tele/{device}/SENSOR`. A capture takes one or more characters of its level, up to the first occurrence of the
/// literal text after it (the last capture of a level takes the rest), never a `/`. `+` matches any one level without
/// capturing, `#` (last level only) the rest of the topic.
///
/// The broker is subscribed to `filter`: every capturing level becomes `+`. A topic the filter lets through but the
/// pattern does not match (`zigbee2mqtt/cold2` for `{room}-{sensor}`) is the source's to refuse (`unmapped_topic`).
public struct TopicPattern: Sendable, Equatable, CustomStringConvertible {
  enum Piece: Sendable, Equatable {
    case literal(String)
    case capture(String)
  }

  enum Level: Sendable, Equatable {
    case pieces([Piece])
    case anyLevel
    case rest
  }

  public let description: String
  let levels: [Level]

  /// Parses a pattern; the error says what is wrong with it, for the config's one-line message.
  public init(_ text: String) throws(TopicPatternError) {
    guard !text.isEmpty else { throw TopicPatternError("is empty") }
    var levels: [Level] = []
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    for (index, part) in parts.enumerated() {
      if part == "+" {
        levels.append(.anyLevel)
      } else if part == "#" {
        guard index == parts.count - 1 else { throw TopicPatternError("has # before its last level") }
        levels.append(.rest)
      } else {
        levels.append(.pieces(try Self.pieces(of: part)))
      }
    }
    self.description = text
    self.levels = levels
  }

  private static func pieces(of level: Substring) throws(TopicPatternError) -> [Piece] {
    guard !level.contains("+"), !level.contains("#") else {
      throw TopicPatternError("has + or # inside the level \"\(level)\"; they must be a whole level")
    }
    var pieces: [Piece] = []
    var rest = level[...]
    while let open = rest.firstIndex(of: "{") {
      if open > rest.startIndex { pieces.append(.literal(String(rest[..<open]))) }
      guard let close = rest[open...].firstIndex(of: "}") else { throw TopicPatternError("has a { without }") }
      let name = String(rest[rest.index(after: open)..<close])
      guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) else {
        throw TopicPatternError("has the capture {\(name)}; a capture is a name of letters, e.g. {room}")
      }
      if case .capture? = pieces.last {
        throw TopicPatternError("has two captures with nothing between them in \"\(level)\"")
      }
      pieces.append(.capture(name))
      rest = rest[rest.index(after: close)...]
    }
    guard !rest.contains("}") else { throw TopicPatternError("has a } without {") }
    if !rest.isEmpty { pieces.append(.literal(String(rest))) }
    return pieces
  }

  /// The subscription filter: captures become `+`.
  public var filter: String {
    levels.map { level in
      switch level {
      case .anyLevel: return "+"
      case .rest: return "#"
      case .pieces(let pieces):
        if pieces.contains(where: { if case .capture = $0 { return true } else { return false } }) { return "+" }
        return pieces.map { if case .literal(let text) = $0 { return text } else { return "" } }.joined()
      }
    }.joined(separator: "/")
  }

  /// The names this pattern captures, in order.
  public var captureNames: [String] {
    levels.flatMap { level -> [String] in
      guard case .pieces(let pieces) = level else { return [] }
      return pieces.compactMap { if case .capture(let name) = $0 { return name } else { return nil } }
    }
  }

  /// The captures of `topic`, or `nil` when the pattern does not match it.
  public func match(_ topic: String) -> [String: String]? {
    let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
    var captures: [String: String] = [:]
    for (index, level) in levels.enumerated() {
      switch level {
      case .rest: return index <= parts.count ? captures : nil
      case .anyLevel: guard index < parts.count else { return nil }
      case .pieces(let pieces):
        guard index < parts.count, Self.match(pieces, parts[index], into: &captures) else { return nil }
      }
    }
    return parts.count == levels.count ? captures : nil
  }

  private static func match(_ pieces: [Piece], _ level: Substring, into captures: inout [String: String]) -> Bool {
    var rest = level
    for (index, piece) in pieces.enumerated() {
      switch piece {
      case .literal(let text):
        guard rest.hasPrefix(text) else { return false }
        rest = rest.dropFirst(text.count)
      case .capture(let name):
        let value: Substring
        if index + 1 < pieces.count, case .literal(let next) = pieces[index + 1] {
          guard rest.count > 1, let found = rest.dropFirst().firstRange(of: next) else { return false }
          value = rest[..<found.lowerBound]
        } else {
          value = rest
        }
        guard !value.isEmpty else { return false }
        captures[name] = String(value)
        rest = rest[value.endIndex...]
      }
    }
    return rest.isEmpty
  }
}

/// Why a topic pattern cannot be used: "has # before its last level".
public struct TopicPatternError: Error, Sendable, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
