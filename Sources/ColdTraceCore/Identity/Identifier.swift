/// The kinds of names ColdTrace gives to things (docs/protocol.md, "Identities"); used to word validation messages.
public enum IdentifierKind: String, Sendable, CaseIterable {
  case site, room, sensor, agent, lot
}

/// The one rule for every ColdTrace id: 1–64 characters of `[A-Za-z0-9._-]`, not `.` or `..`,
/// and the site id `collector` is reserved (it names the collector's own status topic).
///
/// IDs appear in MQTT topic levels, database keys and file names, so the rule keeps them free of topic wildcards,
/// path separators and whitespace.
public enum Identifier {
  /// The longest id, in characters (all allowed characters are ASCII, so also in bytes).
  public static let maxLength = 64

  /// The site id that no facility may use.
  public static let reservedSiteID = "collector"

  /// Throws an `InvalidIdentifier` that tells the operator what is wrong with `text` as a `kind` id.
  public static func validate(_ text: some StringProtocol, as kind: IdentifierKind) throws(InvalidIdentifier) {
    if let reason = problem(text, as: kind) {
      throw InvalidIdentifier(kind: kind, value: String(text), reason: reason)
    }
  }

  /// Whether `text` is a valid `kind` id.
  public static func isValid(_ text: some StringProtocol, as kind: IdentifierKind) -> Bool {
    problem(text, as: kind) == nil
  }

  private static func problem(_ text: some StringProtocol, as kind: IdentifierKind) -> InvalidIdentifier.Reason? {
    // Contiguous bytes (any native String) are checked as a buffer, several times faster than through the view.
    let allowed =
      text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isAllowed) } ?? text.utf8.allSatisfy(isAllowed)
    guard allowed else { return .disallowedCharacter(firstDisallowedScalar(in: text)) }
    let length = text.utf8.count
    if length == 0 { return .empty }
    if length > maxLength { return .tooLong(length) }
    if length <= 2 && text.utf8.allSatisfy({ $0 == UInt8(ascii: ".") }) { return .dotName }
    if kind == .site && text == reservedSiteID { return .reserved }
    return nil
  }

  @inline(__always)
  private static func isAllowed(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
      return true
    default:
      return false
    }
  }

  private static func firstDisallowedScalar(in text: some StringProtocol) -> Unicode.Scalar {
    for scalar in text.unicodeScalars where !(scalar.isASCII && isAllowed(UInt8(scalar.value))) {
      return scalar
    }
    return "\u{FFFD}"
  }
}

/// A name that breaks the id rule, with the reason worded for an operator.
public struct InvalidIdentifier: Error, Equatable, Sendable, CustomStringConvertible {
  /// What exactly is wrong.
  public enum Reason: Equatable, Sendable {
    case empty
    /// Longer than `Identifier.maxLength`; carries the length found.
    case tooLong(Int)
    /// The first character outside `[A-Za-z0-9._-]`.
    case disallowedCharacter(Unicode.Scalar)
    /// `.` or `..`.
    case dotName
    /// The site id `collector`.
    case reserved
  }

  public var kind: IdentifierKind
  public var value: String
  public var reason: Reason

  public init(kind: IdentifierKind, value: String, reason: Reason) {
    self.kind = kind
    self.value = value
    self.reason = reason
  }

  /// E.g. `invalid site id "a/b": '/' is not allowed; only letters, digits, '.', '_' and '-' are allowed`.
  public var description: String {
    "invalid \(kind.rawValue) id \(Excerpt.quoted(value)): \(explanation)"
  }

  /// The reason alone, e.g. `it is empty; an id needs 1 to 64 characters`.
  public var explanation: String {
    switch reason {
    case .empty:
      return "it is empty; an id needs 1 to \(Identifier.maxLength) characters"
    case .tooLong(let length):
      return "it has \(length) characters; the limit is \(Identifier.maxLength)"
    case .disallowedCharacter(let scalar):
      return "\(Self.shown(scalar)) is not allowed; only letters, digits, '.', '_' and '-' are allowed"
    case .dotName:
      return "'.' and '..' are not allowed as ids"
    case .reserved:
      return "\"\(Identifier.reservedSiteID)\" is reserved for the collector's own status topic"
    }
  }

  private static func shown(_ scalar: Unicode.Scalar) -> String {
    if scalar == " " { return "a space" }
    if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
      || scalar.properties.generalCategory == .format
    {
      return "U+" + hex(scalar.value)
    }
    return "'\(scalar)'"
  }

  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}
