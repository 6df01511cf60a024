/// Finds what TOMLKit's parser (toml++ 3) cannot survive: a table header (`[` or `[[` at the start of a line) followed
/// by anything but a key (`[!x]`, `[+x]`, `[é]`, `[` alone), and a `}` where an array expects a value (`[1, }]`).
/// toml++ asserts there instead of reporting an error, which aborts a debug build and is undefined behaviour in a
/// release build; found by `scripts/fuzz.sh`.
///
/// The scan follows just enough TOML to tell a header from a line of a multi-line array (`[+1, 2],`): strings
/// (basic, literal, and their multi-line forms), comments, and the bracket depth of values.
enum TOMLHeaderCheck {
  static let headerProblem = "a table header needs a key inside its brackets, like [outbox]"
  static let braceProblem = "expected a value or ']' in the array, saw '}'"

  /// The 1-based line and column of the first such character, and what is wrong there.
  static func firstProblem(in text: String) -> (line: Int, column: Int, problem: String)? {
    var scanner = Scanner(Array(text.unicodeScalars))
    return scanner.run()
  }

  private struct Scanner {
    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var lineStart = 0
    /// Brackets opened by values (`a = [`) and not yet closed.
    var depth = 0
    /// Inside a value array, right after `[` or `,`: a value (or `]`) must come next.
    var expectingValue = false

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    mutating func run() -> (line: Int, column: Int, problem: String)? {
      while index < scalars.count {
        skipBlanks(wide: true)
        if depth == 0, peek() == "[" {
          if let (line, column) = checkHeader() { return (line, column, TOMLHeaderCheck.headerProblem) }
          skipRestOfLine()
          continue
        }
        if let (line, column) = scanLine() { return (line, column, TOMLHeaderCheck.braceProblem) }
      }
      return nil
    }

    /// At a header's `[`: the key must start after `[`, an optional second `[`, and blanks (or the header be `[]`).
    mutating func checkHeader() -> (line: Int, column: Int)? {
      index += 1
      if peek() == "[" { index += 1 }
      skipBlanks()
      guard let next = peek() else { return position() }
      if next == "]" || next == "\"" || next == "'" || isBareKeyCharacter(next) { return nil }
      return position()
    }

    /// Scans a non-header line up to and including its newline (or further, through a multi-line string); returns
    /// the position of a `}` where an array expects a value.
    mutating func scanLine() -> (line: Int, column: Int)? {
      while let scalar = peek() {
        switch scalar {
        case _ where isLineBreak(scalar):
          newline()
          return nil
        case "#":
          skipRestOfLine()
          return nil
        case " ", "\t":
          index += 1
        case "\"", "'":
          skipString(quote: scalar)
          expectingValue = false
        case "[":
          depth += 1
          expectingValue = true
          index += 1
        case "]":
          depth = max(0, depth - 1)
          expectingValue = false
          index += 1
        case ",":
          expectingValue = depth > 0
          index += 1
        case "}" where depth > 0 && expectingValue:
          return position()
        default:
          expectingValue = false
          index += 1
        }
      }
      return nil
    }

    /// Skips a basic or literal string, single- or multi-line, from its opening quote.
    mutating func skipString(quote: Unicode.Scalar) {
      let multiLine = peek(1) == quote && peek(2) == quote
      index += multiLine ? 3 : 1
      while let scalar = peek() {
        if scalar == "\\" && quote == "\"" {
          index += 2
          continue
        }
        if scalar == "\n" {
          guard multiLine else { return }
          newline()
          continue
        }
        if scalar == quote && (!multiLine || (peek(1) == quote && peek(2) == quote)) {
          index += multiLine ? 3 : 1
          while multiLine && peek() == quote { index += 1 }  // up to two quotes may end the content
          return
        }
        index += 1
      }
    }

    mutating func skipRestOfLine() {
      while let scalar = peek() {
        if isLineBreak(scalar) {
          newline()
          return
        }
        index += 1
      }
    }

    /// Skips spaces and tabs; `wide` also skips what toml++ skips at the start of a line: any horizontal Unicode
    /// space, and a byte order mark.
    mutating func skipBlanks(wide: Bool = false) {
      while let scalar = peek(),
        scalar == " " || scalar == "\t"
          || (wide && (scalar == "\u{FEFF}" || scalar == "\u{180E}" || scalar.properties.isWhitespace)
            && !isLineBreak(scalar))
      {
        index += 1
      }
    }

    /// What toml++ counts as vertical whitespace: LF, VT, FF, CR, NEL, LS, PS. Only LF counts as a new line in
    /// positions; the others may still put toml++ at the start of a line, so the scan treats them as ends too.
    func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
      ("\n"..."\r").contains(scalar) || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    mutating func newline() {
      if scalars[index] == "\n" {
        line += 1
        lineStart = index + 1
      }
      index += 1
    }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
      index + offset < scalars.count ? scalars[index + offset] : nil
    }

    func position() -> (line: Int, column: Int) { (line, index - lineStart + 1) }

    func isBareKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
      switch scalar {
      case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
      default: return false
      }
    }
  }
}
