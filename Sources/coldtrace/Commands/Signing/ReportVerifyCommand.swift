import ArgumentParser
import ColdTraceReport
import ColdTraceSigning
import ColdTraceSystem

/// `coldtrace report verify FILE --key coop.pub`: the importer's check of a signed report, with no database.
struct ReportVerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check a signed report with the cooperative's public key; needs no database.",
    discussion: """
      Works on every format `coldtrace report --sign` writes (text, JSON, CSV, HTML, EPCIS). Exit status 0: the
      report is signed by that key and unchanged since; 1: it is not (the line says why: changed after signing,
      another key, no signature, an edited signature line); 2: the file or the key cannot be read.
      docs/verify.md shows the same check with plain `openssl`.

      Examples:
        coldtrace report verify LT-2026-0612.html --key coop.pub
      """
  )

  @Argument(help: ArgumentHelp("The signed report.", valueName: "file")) var file: String
  @Option(help: ArgumentHelp("The cooperative's public key (PEM).", valueName: "file")) var key: String

  func run() throws {
    let publicKey: Ed25519PublicKey
    do {
      publicKey = try KeyFiles.publicKey(key)
    } catch {
      throw UsageError("--key \(error)")
    }
    let bytes: [UInt8]
    do {
      guard let read = try DurableFile.readBytes(file, maxBytes: 1 << 30) else {
        throw UsageError("cannot read \(file): no such file")
      }
      bytes = read
    } catch let error as DurableFileError {
      throw UsageError("\(error)")
    }
    switch SignedReport.verify(bytes, key: publicKey) {
    case .valid(let format, let seal, let fingerprint):
      print(
        "valid: \(file) is the \(format.rawValue) report on \(Self.subject(seal.lot)) (\(seal.from.rfc3339) to "
          + "\(seal.to.rfc3339), \(seal.readings) readings, seal \(seal.sha256)), signed with key "
          + "\(Ed25519PublicKey.grouped(fingerprint)), unchanged since")
    case .invalid(let reason):
      print("invalid: \(file): \(reason)")
      throw ExitCode(1)
    }
  }

  /// What a seal's `lot` field names: `lot LT-1`, or for a room report `room hx/cold2`, `site hx`.
  static func subject(_ sealed: String) -> String {
    for kind in ["room", "site"] where sealed.hasPrefix(kind + ":") {
      return "\(kind) \(sealed.dropFirst(kind.count + 1))"
    }
    return "lot \(sealed)"
  }
}
