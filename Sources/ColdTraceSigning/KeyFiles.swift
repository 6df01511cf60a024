#if canImport(Glibc)
  import Glibc
#endif

/// The key pair on disk: `<name>.key` (the private key, mode 0600, never overwritten) and `<name>.pub` (the public key
/// to hand to importers, 0644).
public enum KeyFiles {
  /// Writes a new key pair to `privatePath` and `publicPath`; refuses when either exists, so a working key is never
  /// replaced by accident (reports it signed would no longer verify with the key the importers hold).
  public static func create(_ key: Ed25519PrivateKey, privatePath: String, publicPath: String) throws(KeyFileError) {
    for path in [privatePath, publicPath] where access(path, F_OK) == 0 {
      throw KeyFileError(
        path: path,
        reason: "exists; a new key would make every report signed so far unverifiable "
          + "with the key importers hold (move it away first if you mean to replace it)")
    }
    let privatePEM: String
    let publicPEM: String
    do {
      privatePEM = try key.pem()
      publicPEM = try key.publicKey().pem()
    } catch {
      throw KeyFileError(path: privatePath, reason: error.description)
    }
    try write(privatePEM, to: privatePath, mode: 0o600)
    try write(publicPEM, to: publicPath, mode: 0o644)
  }

  /// Creates `path` (it must not exist) with `mode` from the start, writes `text` and fsyncs it.
  private static func write(_ text: String, to path: String, mode: mode_t) throws(KeyFileError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else { throw KeyFileError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    // The umask may have taken bits away from a public key; never add any to a private one.
    fchmod(fd, mode)
    var remaining = Array(text.utf8)[...]
    while !remaining.isEmpty {
      let written = remaining.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { throw KeyFileError(path: path, reason: String(cString: strerror(errno))) }
      remaining = remaining.dropFirst(written)
    }
    guard fsync(fd) == 0 else { throw KeyFileError(path: path, reason: String(cString: strerror(errno))) }
  }

  /// The text of a key file, at most 64 KiB (a key is a few hundred bytes).
  public static func read(_ path: String) throws(KeyFileError) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw KeyFileError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while bytes.count <= 65_536 {
      let count = Glibc.read(fd, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      guard count >= 0 else { throw KeyFileError(path: path, reason: String(cString: strerror(errno))) }
      if count == 0 { return String(decoding: bytes, as: UTF8.self) }
      bytes += buffer[0..<count]
    }
    throw KeyFileError(path: path, reason: "is larger than 64 KiB: not a key file")
  }

  /// The private key in `path`, with the file named in any error.
  public static func privateKey(_ path: String) throws(KeyFileError) -> Ed25519PrivateKey {
    let text = try read(path)
    do {
      return try Ed25519PrivateKey(pem: text)
    } catch {
      throw KeyFileError(path: path, reason: error.description)
    }
  }

  /// The public key in `path`, with the file named in any error.
  public static func publicKey(_ path: String) throws(KeyFileError) -> Ed25519PublicKey {
    let text = try read(path)
    do {
      return try Ed25519PublicKey(pem: text)
    } catch {
      throw KeyFileError(path: path, reason: error.description)
    }
  }
}

/// A key file that could not be written or read: `path: reason`.
public struct KeyFileError: Error, CustomStringConvertible {
  public let path: String
  public let reason: String

  public var description: String { "\(path): \(reason)" }
}
