/// Where a Home Assistant `value_template` takes its number from, for `coldtrace sources discover`: the whole payload
/// (`{{ value }}`, or no template) or a JSON field (`{{ value_json.temperature }}`,
/// `{{ value_json['DS18B20-1']['Temperature'] }}`). Only this subset is read, with the filters that do not change
/// the number's meaning (`float`, `int`, `round(n)`, `default(x)`); anything else (arithmetic, `if`) is `nil`.
public enum ValueTemplate: Sendable, Equatable {
  case plain
  case field([String])

  /// The template's reading, or `nil` when it is outside the subset.
  public init?(_ text: String?) {
    guard let text else {
      self = .plain
      return
    }
    var body = Substring(text).trimmingSpaces
    guard body.hasPrefix("{{"), body.hasSuffix("}}"), body.count >= 4 else { return nil }
    body = body.dropFirst(2).dropLast(2).trimmingSpaces
    var parts = body.split(separator: "|", omittingEmptySubsequences: false).map(\.trimmingSpaces)
    let expression = parts.removeFirst()
    for filter in parts {
      let name = filter.prefix { $0 != "(" }.trimmingSpaces
      guard ["float", "int", "round", "default"].contains(name) else { return nil }
    }
    if expression == "value" {
      self = .plain
      return
    }
    guard expression.hasPrefix("value_json") else { return nil }
    guard let path = Self.path(expression.dropFirst("value_json".count)), !path.isEmpty else { return nil }
    self = .field(path)
  }

  /// `.a.b`, `['a']["b"]` and mixes of both, into keys; `nil` for anything else.
  private static func path(_ accessors: Substring) -> [String]? {
    var rest = accessors
    var keys: [String] = []
    while !rest.isEmpty {
      if rest.first == "." {
        rest = rest.dropFirst()
        let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !key.isEmpty else { return nil }
        keys.append(String(key))
        rest = rest.dropFirst(key.count)
      } else if rest.hasPrefix("['") || rest.hasPrefix("[\"") {
        let quote = rest.dropFirst().first!
        rest = rest.dropFirst(2)
        guard let end = rest.firstIndex(of: quote), rest[rest.index(after: end)...].hasPrefix("]") else { return nil }
        keys.append(String(rest[..<end]))
        rest = rest[rest.index(end, offsetBy: 2)...]
      } else {
        return nil
      }
    }
    // The config's field paths are dotted: a key with a dot in it cannot be written there.
    guard keys.allSatisfy({ !$0.isEmpty && !$0.contains(".") }) else { return nil }
    return keys
  }
}

extension Substring {
  fileprivate var trimmingSpaces: Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
      return ""
    }
    return self[first...last]
  }
}
