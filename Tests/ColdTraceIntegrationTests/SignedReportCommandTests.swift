import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace keys init`, `report --sign` and `report verify` as a cooperative and an importer run them: the importer
/// has the file and the public key, no database; plain openssl checks the same signature (docs/verify.md).
@Suite(.timeLimit(.minutes(10)))
struct SignedReportCommandTests {
  private func coldtrace(_ arguments: [String], in directory: URL) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    try Executables.run(
      URL(fileURLWithPath: "/usr/bin/env"),
      ["-C", directory.path, Executables.product("coldtrace").path] + arguments,
      environment: ["LANG": "C", "COLDTRACE_DB": directory.appendingPathComponent("absent/none.db").path])
  }

  /// A closed lot: an hour of minute readings in hx/cold2, 20 warm minutes on p2.
  private func cooperative() throws -> (directory: URL, db: String) {
    try ClosedLotDatabase.make(prefix: "signed")
  }

  @Test func aSignedReportVerifiesWithoutTheDatabaseAndFailsWhenChanged() throws {
    let (directory, db) = try cooperative()
    let made = try coldtrace(["keys", "init"], in: directory)
    #expect(made.status == 0 && made.stdout.contains("fingerprint:"), "\(made.stderr)")
    let mode =
      try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("coop.key").path)[
        .posixPermissions] as? Int
    #expect(mode == 0o600)
    let again = try coldtrace(["keys", "init"], in: directory)
    #expect(again.status == 2 && again.stderr.contains("exists"), "never overwrites a key: \(again.stderr)")

    // The importer's folder: the reports and coop.pub, nothing else.
    let importer = directory.appendingPathComponent("importer")
    try FileManager.default.createDirectory(at: importer, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: directory.appendingPathComponent("coop.pub"), to: importer.appendingPathComponent("coop.pub"))
    for format in ["text", "json", "csv", "html", "epcis"] {
      let out = importer.appendingPathComponent("LT-7.\(format)").path
      let signed = try coldtrace(
        ["report", "LT-7", "--db", db, "--format", format, "--sign", "--lang", "vi", "--out", out], in: directory)
      #expect(signed.status == 0, "\(format): \(signed.stderr)")
      let valid = try coldtrace(["report", "verify", "LT-7.\(format)", "--key", "coop.pub"], in: importer)
      #expect(valid.status == 0 && valid.stdout.hasPrefix("valid:"), "\(format): \(valid.stdout) \(valid.stderr)")
      #expect(valid.stdout.contains("lot LT-7"))

      var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: out)))
      bytes[bytes.count / 3] ^= 0x01
      let tampered = importer.appendingPathComponent("tampered.\(format)")
      try Data(bytes).write(to: tampered)
      let invalid = try coldtrace(["report", "verify", tampered.lastPathComponent, "--key", "coop.pub"], in: importer)
      #expect(invalid.status == 1 && invalid.stdout.hasPrefix("invalid:"), "\(format): \(invalid.stdout)")
    }
    let other = try coldtrace(["keys", "init", "--out", "other"], in: importer)
    #expect(other.status == 0)
    let wrongKey = try coldtrace(["report", "verify", "LT-7.html", "--key", "other.pub"], in: importer)
    #expect(wrongKey.status == 1 && wrongKey.stdout.contains("signed with another key"), "\(wrongKey.stdout)")
    let noKey = try coldtrace(["report", "verify", "LT-7.html", "--key", "missing.pub"], in: importer)
    #expect(noKey.status == 2 && noKey.stderr.contains("missing.pub"), "\(noKey.stderr)")
    let notAKey = try coldtrace(["report", "verify", "LT-7.html", "--key", "LT-7.text"], in: importer)
    #expect(notAKey.status == 2, "\(notAKey.stderr)")
    let noFile = try coldtrace(["report", "verify", "absent.html", "--key", "coop.pub"], in: importer)
    #expect(noFile.status == 2, "\(noFile.stderr)")
    // The cooperative's own check against its database works on a signed CSV too: signing added the seal.
    let sealed = try coldtrace(
      ["report", "LT-7", "--db", db, "--verify", importer.appendingPathComponent("LT-7.csv").path], in: directory)
    #expect(sealed.status == 0 && sealed.stdout.hasPrefix("match"), "\(sealed.stdout) \(sealed.stderr)")
    let noSigningKey = try coldtrace(["report", "LT-7", "--db", db, "--sign", "--key", "none.key"], in: directory)
    #expect(noSigningKey.status == 2 && noSigningKey.stderr.contains("keys init"), "\(noSigningKey.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("absent").path))
  }

  @Test func plainOpensslChecksTheSignatureAndTheQRCodeDecodes() throws {
    let (directory, db) = try cooperative()
    #expect(try coldtrace(["keys", "init"], in: directory).status == 0)
    // docs/verify.md, "With openssl only", as written there.
    let recipe = try GuideExamples.block("docs/verify.md", containing: "# 3. The check")
    for format in ["json", "csv", "html"] {
      let file = "r.\(format)"
      #expect(
        try coldtrace(["report", "LT-7", "--db", db, "--format", format, "--sign", "--out", file], in: directory).status
          == 0)
      let script = recipe.replacingOccurrences(of: "LT-2026-0612.html", with: file)
      let openssl = try Executables.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "cd '\(directory.path)' && \(script)"])
      #expect(openssl.status == 0 && openssl.stdout.contains("Signature Verified Successfully"), "\(openssl)")
    }
    let fingerprint = try Executables.run(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", "cd '\(directory.path)' && openssl pkey -pubin -in coop.pub -outform DER | tail -c 32 | sha256sum"])
    let ours = try coldtrace(["keys", "fingerprint", "coop.pub"], in: directory)
    #expect(
      fingerprint.stdout.prefix(64) == ours.stdout.replacingOccurrences(of: " ", with: "").prefix(64),
      "\(fingerprint.stdout) \(ours.stdout)")

    let html = directory.appendingPathComponent("r.html")
    let screenshot = directory.appendingPathComponent("r.png")
    let chromium = try HeadlessChromium.screenshot(of: html, to: screenshot, in: directory, height: 5000)
    #expect(chromium.status == 0, "chromium: \(chromium.stderr)")
    let scanned = try Executables.run(URL(fileURLWithPath: "/usr/bin/zbarimg"), ["--quiet", "--raw", screenshot.path])
    let text = try String(contentsOf: html, encoding: .utf8)
    let token = try #require(
      text.firstRange(of: "coldtrace-signature:v1").map { text[$0.lowerBound...].prefix { $0 != "<" } })
    #expect(
      scanned.status == 0 && scanned.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == token, "\(scanned)")
    #expect(token.contains("lot=LT-7;seal="))
  }

  @Test func theConfigsGS1KeysNameThePlacesAndTheLot() throws {
    let (directory, db) = try cooperative()
    let config = directory.appendingPathComponent("collector.toml")
    try """
    [sites]
    gs1_company_prefix = "8930001"
    [sites.hx]
    gln = "8930001000018"
    [gtin]
    litchi = "18930001000022"
    """.write(to: config, atomically: true, encoding: .utf8)
    let epcis = try coldtrace(
      ["report", "LT-7", "--db", db, "--config", config.path, "--format", "epcis"], in: directory)
    #expect(epcis.status == 0, "\(epcis.stderr)")
    #expect(epcis.stdout.contains("\"urn:epc:id:sgln:8930001.00001.cold2\""))
    #expect(epcis.stdout.contains("\"urn:epc:class:lgtin:8930001.100002.LT-7\""))
    #expect(epcis.stdout.contains("\"eventTime\":\"2026-06-12T08:00:00.000+07:00\""))

    let guide = try GuideExamples.block("docs/operations.md", containing: "gs1_company_prefix = \"8930001\"")
    try guide.write(to: config, atomically: true, encoding: .utf8)
    let fromGuide = try coldtrace(
      ["report", "LT-7", "--db", db, "--config", config.path, "--format", "epcis"], in: directory)
    #expect(
      fromGuide.status == 0 && fromGuide.stdout.contains("urn:epc:class:lgtin:8930001.100002.LT-7"), "\(fromGuide)")

    try "[sites.hx]\ngln = \"8930001000019\"\n".write(to: config, atomically: true, encoding: .utf8)
    let mistyped = try coldtrace(
      ["report", "LT-7", "--db", db, "--config", config.path, "--format", "epcis"], in: directory)
    #expect(mistyped.status == 2 && mistyped.stderr.contains("check digit"), "\(mistyped.stderr)")
  }
}
