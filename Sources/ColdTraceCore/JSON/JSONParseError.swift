/// Why `JSONParser` refused a document, where (byte offset into the input), and a one-line explanation.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The class of failure; the reading decoder maps each to its own quarantine reason.
  public enum Kind: String, Sendable, CaseIterable {
    /// Not JSON: a syntax error, trailing data, a leading zero, a control character in a string.
    case malformed
    /// Arrays and objects nested deeper than the parser's limit.
    case tooDeep
    /// An object with the same key twice.
    case duplicateKey
    /// A number too large for a 64-bit float, or a `NaN` / `Infinity` / `-Infinity` literal.
    case nonFinite
    /// Bytes that are not UTF-8, or a `\u` escape that leaves a lone UTF-16 surrogate.
    case invalidUTF8
  }

  public var kind: Kind
  /// Offset, in bytes from the start of the input, of the first byte the parser could not accept.
  public var offset: Int
  /// What was wrong, e.g. `expected ':' after an object key`.
  public var message: String

  public init(kind: Kind, offset: Int, message: String) {
    self.kind = kind
    self.offset = offset
    self.message = message
  }

  public var description: String { "\(message) (at byte \(offset))" }
}
