import ArgumentParser
import ColdTraceSigning
import ColdTraceSystem

/// `coldtrace keys`: the cooperative's signing key pair.
struct KeysCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys",
    abstract: "The cooperative's Ed25519 key pair for signed reports.",
    subcommands: [KeysInitCommand.self, KeysFingerprintCommand.self]
  )
}

/// `coldtrace keys init`: a new key pair, `<name>.key` (0600) and `<name>.pub`.
struct KeysInitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Make the cooperative's signing key pair: NAME.key (private, 0600) and NAME.pub (for importers).",
    discussion: """
      Keep NAME.key on the collector host only, and a copy in the backup; `report --sign` uses it (--key, or
      `signing_key` in collector.toml). Hand NAME.pub to importers, with its fingerprint read out over another
      channel (phone, a signed contract): they check reports with `coldtrace report verify` or plain openssl
      (docs/verify.md). Existing files are never overwritten.

      Examples:
        coldtrace keys init
        coldtrace keys init --out /etc/coldtrace/coop
      """
  )

  @Option(help: ArgumentHelp("Path and name of the two files, without extension.", valueName: "name"))
  var out = "coop"

  func run() throws {
    let privatePath = out + ".key"
    let publicPath = out + ".pub"
    let key = try Ed25519PrivateKey.generate()
    do {
      try KeyFiles.create(key, privatePath: privatePath, publicPath: publicPath)
    } catch {
      throw UsageError("keys init: \(error)")
    }
    print("private key: \(privatePath) (mode 0600; keep it here and in the backup, never send it)")
    print("public key:  \(publicPath) (give it to importers)")
    print("fingerprint: \(try key.publicKey().groupedFingerprint)")
  }
}

/// `coldtrace keys fingerprint FILE`: the fingerprint of a public or private key file.
struct KeysFingerprintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fingerprint",
    abstract: "Print a key file's SHA-256 fingerprint, as signed reports name it.",
    discussion: """
      Examples:
        coldtrace keys fingerprint coop.pub
      """
  )

  @Argument(help: ArgumentHelp("A public (.pub) or private (.key) key file.", valueName: "file")) var file: String

  func run() throws {
    do {
      let key = try KeyFiles.publicKey(file)
      print(key.groupedFingerprint)
    } catch {
      do {
        print(try KeyFiles.privateKey(file).publicKey().groupedFingerprint)
      } catch {
        throw UsageError("\(file) holds no Ed25519 key: \(error)")
      }
    }
  }
}
