import ColdTraceCore
import ColdTraceSigning
import Foundation
import Testing

@testable import ColdTraceReport

/// `report --sign` and `report verify` on every format: a signed report verifies with the cooperative's public key and
/// nothing else; one changed byte anywhere, another key, a missing or doubled signature line all fail, with a reason.
@Suite(.timeLimit(.minutes(10)))
struct SignedReportTests {
  private let key: Ed25519PrivateKey
  private let report = EPCISFixtures.report()

  init() throws { key = try Ed25519PrivateKey.generate() }

  private func signed(_ format: ReportFormat, language: Language = .en) throws -> (unsigned: String, signed: String) {
    let text = format.render(report, ReportFormatter(language: language, utcOffsetMinutes: 420))
    return (text, try SignedReport.sign(text, format: format, seal: report.seal, key: key))
  }

  @Test(arguments: ReportFormat.allCases)
  func aSignedReportVerifiesAndItsCanonicalContentIsTheFileWithoutTheSignatureLine(_ format: ReportFormat) throws {
    let (unsigned, signed) = try signed(format)
    let check = SignedReport.verify(Array(signed.utf8), key: try key.publicKey())
    #expect(check == .valid(format: format, seal: report.seal, keyFingerprint: try key.publicKey().fingerprint))
    // Lines as bytes: in a Swift string, CSV's CRLF is one character.
    let lines = Array(signed.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let marker = Array(ReportSignature.marker.utf8)
    #expect(lines.filter { $0.firstRange(of: marker) != nil }.count == 1)
    let content = String(
      decoding: Array(lines.filter { $0.firstRange(of: marker) == nil }.joined(separator: [UInt8(ascii: "\n")])),
      as: UTF8.self)
    let expected = SignedReport.canonicalContent(unsigned, format: format, seal: report.seal)
    #expect(content == expected)
    // What `openssl pkeyutl -verify -rawin` is given after `grep -v coldtrace-signature:v1`.
    let start = try #require(signed.firstRange(of: ReportSignature.marker)).lowerBound
    let token = try #require(ReportSignature.parse(signed[start...]))
    #expect(try key.publicKey().verifies(token.signature, of: Array(content.utf8)))
    if format == .text || format == .html { #expect(content == unsigned, "signing adds one line and nothing else") }
    if format == .json || format == .epcis {
      #expect(try JSONSerialization.jsonObject(with: Data(signed.utf8)) is [String: Any], "still one JSON object")
    }
  }

  @Test(arguments: ReportFormat.allCases)
  func oneChangedByteAnywhereFailsVerification(_ format: ReportFormat) throws {
    let (_, signed) = try signed(format)
    let bytes = Array(signed.utf8)
    let publicKey = try key.publicKey()
    let signatureStart = try #require(bytes.firstRange(of: Array(ReportSignature.marker.utf8))).lowerBound
    // Spread over the content, the seal, the token's fields and, in HTML, the QR code.
    let positions = Set(
      stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) + [
        bytes.count - 2, signatureStart + 30, signatureStart + 100, signatureStart + 200, signatureStart - 3,
      ])
    for position in positions.sorted() where position >= 0 && position < bytes.count {
      var tampered = bytes
      tampered[position] = tampered[position] == UInt8(ascii: "7") ? UInt8(ascii: "8") : UInt8(ascii: "7")
      guard case .invalid(let reason) = SignedReport.verify(tampered, key: publicKey) else {
        Issue.record("a change at byte \(position) of \(bytes.count) passed (\(format))")
        continue
      }
      #expect(!reason.isEmpty)
    }
  }

  @Test func anotherKeyAMissingOrADoubledSignatureFail() throws {
    let (unsigned, signed) = try signed(.html, language: .vi)
    let other = try Ed25519PrivateKey.generate().publicKey()
    guard case .invalid(let reason) = SignedReport.verify(Array(signed.utf8), key: other) else {
      Issue.record("verified with another key")
      return
    }
    #expect(reason.hasPrefix("signed with another key") && reason.contains(other.groupedFingerprint))
    #expect(
      SignedReport.verify(Array(unsigned.utf8), key: try key.publicKey())
        == .invalid("the file carries no ColdTrace signature (was it written with `report --sign`?)"))
    let line = try #require(signed.split(separator: "\n").first { $0.contains(ReportSignature.marker) })
    guard case .invalid(let doubled) = SignedReport.verify(Array((signed + line + "\n").utf8), key: try key.publicKey())
    else {
      Issue.record("a doubled signature line passed")
      return
    }
    #expect(doubled.contains("2 signature lines"))
    let relabelled = signed.replacingOccurrences(of: "Chữ ký số", with: "Chu ky so")
    guard case .invalid(let edited) = SignedReport.verify(Array(relabelled.utf8), key: try key.publicKey()) else {
      Issue.record("an edited signature block passed")
      return
    }
    #expect(edited.contains("the signature line was edited"), "\(edited)")
  }

  @Test func theHTMLSignatureShowsTheFingerprintAndAQRCodeOfTheToken() throws {
    let (_, signed) = try signed(.html)
    let fingerprint = try key.publicKey().groupedFingerprint
    #expect(signed.contains(fingerprint) && signed.contains("<svg") && signed.contains("Chữ ký số"))
    #expect(QRCodeSVG.svg(for: String(repeating: "x", count: 4000), moduleSize: 3, label: "") == nil, "too long")
  }

  @Test func keysSurviveTheirPEMFilesAndThePrivateOneIsOwnerOnly() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-keys-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let privatePath = directory.appendingPathComponent("coop.key").path
    let publicPath = directory.appendingPathComponent("coop.pub").path
    try KeyFiles.create(key, privatePath: privatePath, publicPath: publicPath)
    let mode = try FileManager.default.attributesOfItem(atPath: privatePath)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(try KeyFiles.publicKey(publicPath).fingerprint == key.publicKey().fingerprint)
    let reread = try KeyFiles.privateKey(privatePath)
    let message = Array("lot LT-1".utf8)
    #expect(try key.publicKey().verifies(try reread.sign(message), of: message))
    #expect(throws: KeyFileError.self) { try KeyFiles.create(key, privatePath: privatePath, publicPath: publicPath) }
    #expect(throws: KeyFileError.self) { try KeyFiles.publicKey(privatePath) }
    #expect(Base64.decode(Base64.encode([1, 2, 3, 4, 5])) == [1, 2, 3, 4, 5] && Base64.encode([0xFF]) == "/w==")
    #expect(Base64.decode("a=b=") == nil && Base64.decode("abc") == nil)
  }
}
