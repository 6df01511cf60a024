/// Reads TOML 1.0 documents, without Foundation.
///
/// Why it exists: the edge agent reads `agent.toml` and scenario files, and what it links decides most of its memory
/// (importing Foundation costs megabytes of resident memory: benchmarks/README.md, "Measurements kept out of the
/// code"). TOMLKit's Swift layer imports Foundation, so a small reader of its own keeps the agent within its 10 MB.
///
/// It takes TOML 1.0 except dates and times (ColdTrace writes times as RFC 3339 strings): tables, arrays of tables,
/// dotted and quoted keys, the four kinds of string with escapes, integers (decimal, hex, octal, binary), floats
/// (including `inf` and `nan`), booleans, arrays and inline tables. It is strict: anything else, or a key or table
/// defined twice, is refused with the line and column (`TOMLSyntaxError`). A differential test checks it against
/// TOMLKit on the repository's configuration and scenario files and on hostile inputs.
public enum TOMLReader {
  /// Arrays and inline tables nested deeper than this are refused rather than read by deep recursion.
  public static let maxNesting = 100

  /// The root table of `text`.
  public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
    var parser = Parser(scanner: TOMLScanner(text))
    return try parser.document()
  }

  private struct Parser {
    var scanner: TOMLScanner
    let root = TOMLTableBuilder(origin: .header)

    mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
      var current = root
      while true {
        scanner.skipBlanks()
        if scanner.atEnd { break }
        if try scanner.takeNewline() { continue }
        if scanner.peek() == .hash {
          try scanner.skipComment()
          continue
        }
        if scanner.peek() == UInt8(ascii: "[") {
          current = try header()
          try scanner.finishLine(after: "the table header")
        } else {
          let start = scanner.index
          let (key, value) = try keyValue(depth: 0)
          if let problem = current.set(key, to: value) { throw scanner.error(problem, at: start) }
          try scanner.finishLine(after: "the value")
        }
      }
      return root.build()
    }

    /// `[name]` or `[[name]]`, from its first bracket.
    mutating func header() throws(TOMLSyntaxError) -> TOMLTableBuilder {
      let start = scanner.index
      scanner.index += 1
      let array = scanner.take(UInt8(ascii: "["))
      scanner.skipBlanks()
      guard let next = scanner.peek(), next == .quote || next == .apostrophe || TOMLScanner.isBareKeyByte(next) else {
        throw scanner.error("a table header needs a key inside its brackets, like [outbox]")
      }
      let key = try self.key()
      scanner.skipBlanks()
      let closing = array ? "]]" : "]"
      guard scanner.take(closing) else {
        throw scanner.error("expected '\(closing)' to end the table header, saw \(scanner.describe())")
      }
      switch root.open(key, array: array) {
      case .success(let table): return table
      case .failure(let problem): throw scanner.error(problem.reason, at: start)
      }
    }

    /// `key = value`, from the key.
    mutating func keyValue(depth: Int) throws(TOMLSyntaxError) -> ([String], TOMLValue) {
      let key = try self.key()
      scanner.skipBlanks()
      guard scanner.take(UInt8(ascii: "=")) else {
        throw scanner.error("expected '=' after the key `\(TOMLTableBuilder.name(key))`, saw \(scanner.describe())")
      }
      scanner.skipBlanks()
      return (key, try value(depth: depth))
    }

    /// A key, dotted or not: `name`, `"quoted key"`, `'literal'`, `a.b.c`.
    mutating func key() throws(TOMLSyntaxError) -> [String] {
      var parts: [String] = []
      while true {
        parts.append(try simpleKey())
        scanner.skipBlanks()
        guard scanner.take(UInt8(ascii: ".")) else { return parts }
        scanner.skipBlanks()
      }
    }

    mutating func simpleKey() throws(TOMLSyntaxError) -> String {
      guard let first = scanner.peek() else { throw scanner.error("expected a key, saw the end of the file") }
      if first == .quote || first == .apostrophe {
        if scanner.peek(1) == first && scanner.peek(2) == first {
          throw scanner.error("a key cannot be a multi-line string")
        }
        return try scanner.readString(allowMultiLine: false)
      }
      let start = scanner.index
      while let byte = scanner.peek(), TOMLScanner.isBareKeyByte(byte) { scanner.index += 1 }
      guard scanner.index > start else { throw scanner.error("expected a key, saw \(scanner.describe())") }
      return String(decoding: scanner.bytes[start..<scanner.index], as: UTF8.self)
    }

    mutating func value(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
      guard let first = scanner.peek() else { throw scanner.error("expected a value, saw the end of the file") }
      switch first {
      case .quote, .apostrophe:
        return .string(try scanner.readString(allowMultiLine: true))
      case UInt8(ascii: "["):
        return try array(depth: depth + 1)
      case UInt8(ascii: "{"):
        return try inlineTable(depth: depth + 1)
      case UInt8(ascii: "t") where scanner.take("true"):
        return .boolean(true)
      case UInt8(ascii: "f") where scanner.take("false"):
        return .boolean(false)
      case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "i"),
        UInt8(ascii: "n"):
        return try scanner.readNumber()
      default:
        throw scanner.error("expected a value, saw \(scanner.describe())")
      }
    }

    /// `[1, 2, 3]`, over several lines if need be, with comments and a trailing comma allowed.
    mutating func array(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
      guard depth <= TOMLReader.maxNesting else {
        throw scanner.error("arrays and inline tables are nested more than \(TOMLReader.maxNesting) deep")
      }
      scanner.index += 1
      var elements: [TOMLValue] = []
      while true {
        try scanner.skipBlanksCommentsAndNewlines()
        if scanner.take(UInt8(ascii: "]")) { return .array(elements) }
        guard let next = scanner.peek(), next != UInt8(ascii: "}"), next != UInt8(ascii: ",") else {
          throw scanner.error("expected a value or ']' in the array, saw \(scanner.describe())")
        }
        elements.append(try value(depth: depth))
        try scanner.skipBlanksCommentsAndNewlines()
        if scanner.take(UInt8(ascii: "]")) { return .array(elements) }
        guard scanner.take(UInt8(ascii: ",")) else {
          throw scanner.error("expected ',' or ']' in the array, saw \(scanner.describe())")
        }
      }
    }

    /// `{ a = 1, b.c = "x" }` on one line, closed once written.
    mutating func inlineTable(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
      guard depth <= TOMLReader.maxNesting else {
        throw scanner.error("arrays and inline tables are nested more than \(TOMLReader.maxNesting) deep")
      }
      scanner.index += 1
      let table = TOMLTableBuilder(origin: .header)
      scanner.skipBlanks()
      if scanner.take(UInt8(ascii: "}")) { return .table(table.build()) }
      while true {
        scanner.skipBlanks()
        let start = scanner.index
        let (key, value) = try keyValue(depth: depth)
        if let problem = table.set(key, to: value) { throw scanner.error(problem, at: start) }
        scanner.skipBlanks()
        if scanner.take(UInt8(ascii: "}")) { return .table(table.build()) }
        guard scanner.take(UInt8(ascii: ",")) else {
          throw scanner.error("expected ',' or '}' in the inline table, saw \(scanner.describe())")
        }
      }
    }
  }
}
