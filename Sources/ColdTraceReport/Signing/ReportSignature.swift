import ColdTraceSigning

/// A report's detached Ed25519 signature as one token: `coldtrace-signature:v1;lot=<lot>;seal=<SHA-256 of the
/// seal>;key=<SHA-256 fingerprint of the public key>;sig=<Base64 signature>`.
///
/// `lot`, `seal` and `key` say which report and which key; they are checked against the report's own seal and the
/// importer's key. What is signed is the report's canonical content (`SignedReport`), not the token.
public struct ReportSignature: Sendable, Equatable {
  public static let marker = "coldtrace-signature:v1"

  public var lot: String
  /// The overall SHA-256 of the report's integrity seal.
  public var seal: String
  /// The signing key's fingerprint (`Ed25519PublicKey.fingerprint`).
  public var keyFingerprint: String
  public var signature: [UInt8]

  public var token: String {
    "\(Self.marker);lot=\(lot);seal=\(seal);key=\(keyFingerprint);sig=\(Base64.encode(signature))"
  }

  /// The token at the start of `text` (it ends at a space, quote, `<` or line end), or `nil` when it is damaged.
  static func parse(_ text: Substring) -> ReportSignature? {
    guard text.hasPrefix(marker + ";") else { return nil }
    let body = text.dropFirst(marker.count + 1).prefix { !$0.isWhitespace && $0 != "\"" && $0 != "<" }
    var fields: [Substring: Substring] = [:]
    for part in body.split(separator: ";") {
      guard let equals = part.firstIndex(of: "=") else { return nil }
      fields[part[..<equals]] = part[part.index(after: equals)...]
    }
    guard fields.count == 4, let lot = fields["lot"], let seal = fields["seal"], let key = fields["key"],
      let encoded = fields["sig"], let signature = Base64.decode(encoded), signature.count == 64
    else { return nil }
    return ReportSignature(lot: String(lot), seal: String(seal), keyFingerprint: String(key), signature: signature)
  }
}
