import ColdTraceCore
import ColdTraceSigning

/// Signing a rendered report and checking a signed file, with nothing but the file and the public key.
///
/// **Canonical content** (what the Ed25519 signature covers), in every format: the file's bytes with its one signature
/// line removed, line ending included (`SignatureLine` lists the line per format). So `grep -v
/// 'coldtrace-signature:v1' FILE` prints exactly the signed bytes, and `openssl pkeyutl -verify -rawin` checks them
/// (docs/verify.md). Signing changes nothing else in text, HTML and EPCIS files; a JSON or EPCIS object's last `}`
/// becomes `,` so the signature can be its last member; a CSV gains its seal as a `#coldtrace-integrity:…` line (signed),
/// so the rows cannot be passed off as another lot's.
public enum SignedReport {
  /// `text` (a report rendered in `format` with `seal`) with the signature line of `key` added.
  public static func sign(
    _ text: String, format: ReportFormat, seal: ReportSeal, key: Ed25519PrivateKey
  ) throws(SigningError) -> String {
    let content = canonicalContent(text, format: format, seal: seal)
    let bytes = Array(content.utf8)
    guard ByteSearch.starts(of: Array(ReportSignature.marker.utf8), in: bytes, limit: 1).isEmpty else {
      throw .refused("the report already contains \"\(ReportSignature.marker)\" (in a note?), so it cannot be signed")
    }
    let signature = ReportSignature(
      lot: seal.lot, seal: seal.sha256, keyFingerprint: try key.publicKey().fingerprint,
      signature: try key.sign(bytes))
    let line = SignatureLine.line(signature, format)
    let closing = "</body></html>\n"
    guard format == .html, content.hasSuffix(closing) else { return content + line }
    return content.dropLast(closing.count) + line + closing
  }

  /// The signed bytes of a report about to be signed.
  static func canonicalContent(_ text: String, format: ReportFormat, seal: ReportSeal) -> String {
    switch format {
    case .text, .html: text
    case .csv: text + "#" + seal.token + "\r\n"
    case .json, .epcis: text.hasSuffix("}\n") ? text.dropLast(2) + ",\n" : text
    }
  }

  /// Checks a signed report file's bytes with `key`.
  public static func verify(_ bytes: [UInt8], key: Ed25519PublicKey) -> SignatureCheck {
    let hits = ByteSearch.starts(of: Array(ReportSignature.marker.utf8), in: bytes)
    guard let hit = hits.first else {
      return .invalid("the file carries no ColdTrace signature (was it written with `report --sign`?)")
    }
    guard hits.count == 1 else {
      return .invalid("the file carries \(hits.count) signature lines; a signed report has exactly one")
    }
    let lineRange = ByteSearch.line(around: hit, in: bytes)
    let line = String(decoding: bytes[lineRange], as: UTF8.self)
    guard let start = line.firstRange(of: ReportSignature.marker),
      let signature = ReportSignature.parse(line[start.lowerBound...])
    else { return .invalid("the signature line is damaged: its token cannot be read") }
    guard let format = ReportFormat.allCases.first(where: { SignatureLine.line(signature, $0) == line }) else {
      return .invalid("the signature line was edited: it is not what ColdTrace writes for its signature")
    }
    guard signature.keyFingerprint == key.fingerprint else {
      return .invalid(
        "signed with another key: the report names key \(Ed25519PublicKey.grouped(signature.keyFingerprint)), "
          + "the key given is \(key.groupedFingerprint)")
    }
    let content = Array(bytes[..<lineRange.lowerBound]) + bytes[lineRange.upperBound...]
    guard key.verifies(signature.signature, of: content) else {
      return .invalid("the report was changed after it was signed (its content does not match the signature)")
    }
    guard let seal = seal(in: content), seal.lot == signature.lot, seal.sha256 == signature.seal else {
      return .invalid(
        "the signature names lot \(signature.lot), seal \(signature.seal), which the report's seal is not")
    }
    return .valid(format: format, seal: seal, keyFingerprint: signature.keyFingerprint)
  }

  /// The first integrity seal in `content`, decoding only its token.
  private static func seal(in content: [UInt8]) -> ReportSeal? {
    guard let start = ByteSearch.starts(of: Array("coldtrace-integrity:v".utf8), in: content, limit: 1).first else {
      return nil
    }
    let stops: Set<UInt8> = [9, 10, 13, 32, UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: "'")]
    let end = content[start...].firstIndex { stops.contains($0) } ?? content.count
    return ReportSeal.find(in: String(decoding: content[start..<end], as: UTF8.self))
  }
}

/// The outcome of checking a signed report.
public enum SignatureCheck: Sendable, Equatable {
  /// Signed by the key, unchanged since.
  case valid(format: ReportFormat, seal: ReportSeal, keyFingerprint: String)
  /// Why it does not verify, for the importer.
  case invalid(String)
}
