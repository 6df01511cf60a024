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
    guard content.firstRange(of: ReportSignature.marker) == nil else {
      throw .refused("the report already contains \"\(ReportSignature.marker)\" (in a note?), so it cannot be signed")
    }
    let signature = ReportSignature(
      lot: seal.lot, seal: seal.sha256, keyFingerprint: try key.publicKey().fingerprint,
      signature: try key.sign(Array(content.utf8)))
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
    let lines = split(bytes)
    let marker = Array(ReportSignature.marker.utf8)
    let signatureLines = lines.indices.filter { lines[$0].firstRange(of: marker) != nil }
    guard let index = signatureLines.first else {
      return .invalid("the file carries no ColdTrace signature (was it written with `report --sign`?)")
    }
    guard signatureLines.count == 1 else {
      return .invalid("the file carries \(signatureLines.count) signature lines; a signed report has exactly one")
    }
    let line = String(decoding: lines[index], as: UTF8.self)
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
    var content: [UInt8] = []
    content.reserveCapacity(bytes.count)
    for (position, piece) in lines.enumerated() where position != index { content += piece }
    guard key.verifies(signature.signature, of: content) else {
      return .invalid("the report was changed after it was signed (its content does not match the signature)")
    }
    guard let seal = ReportSeal.find(in: String(decoding: content, as: UTF8.self)), seal.lot == signature.lot,
      seal.sha256 == signature.seal
    else {
      return .invalid(
        "the signature names lot \(signature.lot), seal \(signature.seal), which the report's seal is not")
    }
    return .valid(format: format, seal: seal, keyFingerprint: signature.keyFingerprint)
  }

  /// `bytes` cut after each line feed (the last piece may lack one).
  private static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
      lines.append(bytes[start...index])
      start = index + 1
    }
    if start < bytes.count { lines.append(bytes[start...]) }
    return lines
  }
}

/// The outcome of checking a signed report.
public enum SignatureCheck: Sendable, Equatable {
  /// Signed by the key, unchanged since.
  case valid(format: ReportFormat, seal: ReportSeal, keyFingerprint: String)
  /// Why it does not verify, for the importer.
  case invalid(String)
}
