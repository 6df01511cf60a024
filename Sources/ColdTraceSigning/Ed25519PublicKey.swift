import CCrypto

/// An Ed25519 public key: what an importer is given (`coop.pub`, PEM SubjectPublicKeyInfo, which `openssl pkeyutl`
/// reads as it is) to check a signed report.
public final class Ed25519PublicKey: @unchecked Sendable {
  /// The libcrypto key; immutable after init.
  let key: OpaquePointer
  /// The 32 raw bytes of the key.
  public let raw: [UInt8]

  init(raw: [UInt8]) throws(SigningError) {
    guard raw.count == 32,
      let key = raw.withUnsafeBufferPointer({
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
      })
    else { throw .badKey("is not a 32-byte Ed25519 public key") }
    self.key = key
    self.raw = raw
  }

  deinit { EVP_PKEY_free(key) }

  /// Reads a PEM public key (`-----BEGIN PUBLIC KEY-----`); anything but an Ed25519 key is refused.
  public convenience init(pem: String) throws(SigningError) {
    guard let key = PEMBuffer.read(pem, { PEM_read_bio_PUBKEY($0, nil, nil, nil) }) else {
      throw .badKey("is not a PEM public key (-----BEGIN PUBLIC KEY-----)")
    }
    defer { EVP_PKEY_free(key) }
    guard EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 else {
      throw .badKey("is not an Ed25519 key (made by `coldtrace keys init`)")
    }
    try self.init(raw: try Self.rawPublicKey(of: key))
  }

  static func rawPublicKey(of key: OpaquePointer) throws(SigningError) -> [UInt8] {
    var raw = [UInt8](repeating: 0, count: 32)
    var length = raw.count
    guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1, length == 32 else {
      throw .libcrypto("EVP_PKEY_get_raw_public_key")
    }
    return raw
  }

  /// The key as PEM (SubjectPublicKeyInfo).
  public func pem() throws(SigningError) -> String {
    guard let text = PEMBuffer.write({ PEM_write_bio_PUBKEY($0, key) }) else {
      throw .libcrypto("PEM_write_bio_PUBKEY")
    }
    return text
  }

  /// SHA-256 of the 32 raw key bytes, 64 lowercase hex digits: what a report names and an importer compares
  /// (`openssl pkey -pubin -in coop.pub -outform DER | tail -c 32 | sha256sum` prints the same).
  public var fingerprint: String { SHA256Hex.of(raw) }

  /// The fingerprint in groups of four digits, for people reading it aloud or off paper.
  public var groupedFingerprint: String { Self.grouped(fingerprint) }

  /// `hex` in space-separated groups of four.
  public static func grouped(_ hex: String) -> String {
    var groups: [Substring] = []
    var rest = Substring(hex)
    while !rest.isEmpty {
      groups.append(rest.prefix(4))
      rest = rest.dropFirst(4)
    }
    return groups.joined(separator: " ")
  }

  /// Whether `signature` is this key's Ed25519 signature of exactly `message`.
  public func verifies(_ signature: [UInt8], of message: [UInt8]) -> Bool {
    guard signature.count == 64, let context = EVP_MD_CTX_new() else { return false }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
    return message.withUnsafeBufferPointer { bytes in
      EVP_DigestVerify(context, signature, signature.count, bytes.baseAddress, bytes.count) == 1
    }
  }
}

/// SHA-256 as lowercase hex.
enum SHA256Hex {
  static func of(_ bytes: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &digest) }
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in digest {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
