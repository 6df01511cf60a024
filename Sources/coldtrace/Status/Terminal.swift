import Foundation

/// ANSI colours for a terminal, and nothing when the output is piped, `NO_COLOR` is set or `TERM` is `dumb`.
struct Terminal {
  enum Colour: String {
    case red = "31"
    case yellow = "33"
    case green = "32"
    case bold = "1"
    case dim = "2"
  }

  let colours: Bool

  /// Colours when standard output is a terminal that can show them (https://no-color.org).
  static var standardOutput: Terminal {
    let environment = ProcessInfo.processInfo.environment
    let wanted = environment["NO_COLOR"].map(\.isEmpty) ?? true
    return Terminal(colours: wanted && environment["TERM"] != "dumb" && isatty(STDOUT_FILENO) == 1)
  }

  func paint(_ text: String, _ colour: Colour?) -> String {
    guard colours, let colour else { return text }
    return "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m"
  }
}
