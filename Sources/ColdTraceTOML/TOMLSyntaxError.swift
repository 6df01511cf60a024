/// Text that is not TOML (or uses TOML this reader does not take), with the 1-based line and column where reading
/// stopped. Columns count Unicode scalars, so a column in a line with `°C` or Vietnamese text matches an editor's.
public struct TOMLSyntaxError: Error, Equatable, CustomStringConvertible {
  public let line: Int
  public let column: Int
  /// What is wrong there, in one line.
  public let reason: String

  public init(line: Int, column: Int, reason: String) {
    self.line = line
    self.column = column
    self.reason = reason
  }

  public var description: String { "\(line):\(column): \(reason)" }
}
