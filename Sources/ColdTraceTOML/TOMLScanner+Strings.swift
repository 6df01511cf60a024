/// TOML's four kinds of string: basic (`"…"`, with escapes), literal (`'…'`), and their multi-line forms (`"""…"""`,
/// `'''…'''`).
extension TOMLScanner {
  /// A string of any kind, from its opening quote; `allowMultiLine` is false for keys.
  mutating func readString(allowMultiLine: Bool) throws(TOMLSyntaxError) -> String {
    let quote = bytes[index]
    if allowMultiLine, peek(1) == quote, peek(2) == quote {
      index += 3
      return try readMultiLineString(quote: quote)
    }
    index += 1
    var content: [UInt8] = []
    while true {
      guard let byte = peek(), byte != .lineFeed, byte != .carriageReturn else {
        throw error("the string has no closing \(quote == .quote ? "\"" : "'") on this line")
      }
      if byte == quote {
        index += 1
        return String(decoding: content, as: UTF8.self)
      }
      if byte == .backslash && quote == .quote {
        try readEscape(into: &content)
        continue
      }
      guard !Self.isControl(byte) else { throw error("control character \(describe()) in a string") }
      content.append(byte)
      index += 1
    }
  }

  /// The body of a multi-line string, after its three opening quotes.
  private mutating func readMultiLineString(quote: UInt8) throws(TOMLSyntaxError) -> String {
    _ = try takeNewline()  // a line ending right after the opening quotes is not part of the string
    var content: [UInt8] = []
    while true {
      guard let byte = peek() else { throw error("the multi-line string has no closing quotes") }
      if byte == quote, peek(1) == quote, peek(2) == quote {
        index += 3
        // Up to two more quotes belong to the content (`""""` ends with one quote in the string).
        for _ in 0..<2 where peek() == quote {
          content.append(quote)
          index += 1
        }
        return String(decoding: content, as: UTF8.self)
      }
      if byte == .lineFeed || byte == .carriageReturn {
        guard try takeNewline() else { throw error("a carriage return must be followed by a line feed") }
        content.append(.lineFeed)
        continue
      }
      if byte == .backslash && quote == .quote {
        if try skipLineEndingBackslash() { continue }
        try readEscape(into: &content)
        continue
      }
      guard !Self.isControl(byte) else { throw error("control character \(describe()) in a string") }
      content.append(byte)
      index += 1
    }
  }

  /// A backslash that ends a line in a multi-line basic string joins the lines: it and all whitespace and line
  /// endings after it are dropped. Returns false (consuming nothing) for any other backslash.
  private mutating func skipLineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
    var probe = index + 1
    while probe < bytes.count, bytes[probe] == .space || bytes[probe] == .tab { probe += 1 }
    guard probe < bytes.count, bytes[probe] == .lineFeed || bytes[probe] == .carriageReturn else { return false }
    index = probe
    while true {
      skipBlanks()
      guard try takeNewline() else { return true }
    }
  }

  /// One escape sequence of a basic string, from its backslash.
  private mutating func readEscape(into content: inout [UInt8]) throws(TOMLSyntaxError) {
    let start = index
    index += 1
    guard let letter = peek() else { throw error("the string has no closing quote") }
    index += 1
    let simple: UInt8?
    switch letter {
    case UInt8(ascii: "b"): simple = 0x08
    case UInt8(ascii: "t"): simple = .tab
    case UInt8(ascii: "n"): simple = .lineFeed
    case UInt8(ascii: "f"): simple = 0x0C
    case UInt8(ascii: "r"): simple = .carriageReturn
    case .quote: simple = .quote
    case .backslash: simple = .backslash
    case UInt8(ascii: "u"), UInt8(ascii: "U"): simple = nil
    default:
      index -= 1
      throw error(
        "unknown escape sequence \\\(describe()) (TOML knows \\b \\t \\n \\f \\r \\\" \\\\ \\u and \\U)", at: start)
    }
    if let simple {
      content.append(simple)
      return
    }
    let digits = letter == UInt8(ascii: "u") ? 4 : 8
    guard index + digits <= bytes.count,
      let value = UInt32(String(decoding: bytes[index..<index + digits], as: UTF8.self), radix: 16),
      bytes[index..<index + digits].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }),
      let scalar = Unicode.Scalar(value)
    else {
      throw error(
        "\\\(Character(Unicode.Scalar(letter))) needs \(digits) hex digits giving a Unicode scalar value", at: start)
    }
    index += digits
    content.append(contentsOf: String(Character(scalar)).utf8)
  }
}
