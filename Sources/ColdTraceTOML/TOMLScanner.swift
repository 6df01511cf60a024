/// A cursor over a TOML document's UTF-8 bytes: position, blanks, comments and line ends, and errors that name the
/// line and column.
struct TOMLScanner {
  let bytes: [UInt8]
  var index = 0
  /// The 1-based line of `index`, and the index where that line starts.
  var line = 1
  var lineStart = 0

  init(_ text: String) {
    bytes = Array(text.utf8)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a byte order mark, as some editors write
  }

  var atEnd: Bool { index >= bytes.count }

  func peek(_ offset: Int = 0) -> UInt8? {
    index + offset < bytes.count ? bytes[index + offset] : nil
  }

  /// Consumes `byte` if it is next.
  mutating func take(_ byte: UInt8) -> Bool {
    guard peek() == byte else { return false }
    index += 1
    return true
  }

  /// Consumes `text` if it comes next.
  mutating func take(_ text: String) -> Bool {
    let utf8 = Array(text.utf8)
    guard index + utf8.count <= bytes.count, bytes[index..<index + utf8.count].elementsEqual(utf8) else { return false }
    index += utf8.count
    return true
  }

  /// Skips spaces and tabs, TOML's only whitespace within a line.
  mutating func skipBlanks() {
    while let byte = peek(), byte == .space || byte == .tab { index += 1 }
  }

  /// Consumes a line ending (LF or CRLF) if one is next.
  mutating func takeNewline() throws(TOMLSyntaxError) -> Bool {
    if peek() == .carriageReturn {
      guard peek(1) == .lineFeed else { throw error("a carriage return must be followed by a line feed") }
      index += 1
    }
    guard peek() == .lineFeed else { return false }
    index += 1
    line += 1
    lineStart = index
    return true
  }

  /// Skips a `#` comment up to (not including) its line ending, if one is next.
  mutating func skipComment() throws(TOMLSyntaxError) {
    guard take(.hash) else { return }
    while let byte = peek(), byte != .lineFeed, byte != .carriageReturn {
      guard !Self.isControl(byte) else { throw error("control character \(describe()) in a comment") }
      index += 1
    }
  }

  /// After a key-value pair or a table header: blanks, an optional comment, then a line ending or the end of the file.
  mutating func finishLine(after what: String) throws(TOMLSyntaxError) {
    skipBlanks()
    try skipComment()
    if atEnd { return }
    guard try takeNewline() else { throw error("expected the end of the line after \(what), saw \(describe())") }
  }

  /// Skips blanks, comments and line endings, as allowed between the elements of an array.
  mutating func skipBlanksCommentsAndNewlines() throws(TOMLSyntaxError) {
    while true {
      skipBlanks()
      try skipComment()
      guard try takeNewline() else { return }
    }
  }

  /// An error at the current position, or at `position` (an earlier index on the current line).
  func error(_ reason: String, at position: Int? = nil) -> TOMLSyntaxError {
    let end = min(position ?? index, bytes.count)
    let start = min(lineStart, end)
    let column = bytes[start..<end].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    return TOMLSyntaxError(line: line, column: column, reason: reason)
  }

  /// The next character for an error message: `'='`, `U+00A0`, "the end of the line" or "the end of the file".
  func describe() -> String {
    guard let byte = peek() else { return "the end of the file" }
    if byte == .lineFeed || byte == .carriageReturn { return "the end of the line" }
    if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
    var decoder = UTF8()
    var iterator = bytes[index...].makeIterator()
    let value: UInt32
    if case .scalarValue(let scalar) = decoder.decode(&iterator) { value = scalar.value } else { value = UInt32(byte) }
    let hex = String(value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }

  /// A control character TOML allows neither in strings nor in comments (tab is allowed).
  static func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != .tab) || byte == 0x7F }

  static func isBareKeyByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"),
      UInt8(ascii: "_"), UInt8(ascii: "-"):
      return true
    default:
      return false
    }
  }
}

extension UInt8 {
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let lineFeed = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")
  static let hash = UInt8(ascii: "#")
  static let quote = UInt8(ascii: "\"")
  static let apostrophe = UInt8(ascii: "'")
  static let backslash = UInt8(ascii: "\\")
}
