import CCrypto

/// The cooperative's Ed25519 signing key (OpenSSL libcrypto), read from and written as PEM (PKCS #8, unencrypted:
/// the file's 0600 mode protects it, see `KeyFiles`).
///
/// Ed25519 signs the message itself (no separate hash step), so a signature made here verifies with plain
/// `openssl pkeyutl -verify -rawin` against the same bytes.
public final class Ed25519PrivateKey: @unchecked Sendable {
  /// The libcrypto key; immutable after init, and libcrypto's signing with it is thread-safe.
  let key: OpaquePointer

  private init(key: OpaquePointer) { self.key = key }

  deinit { EVP_PKEY_free(key) }

  /// A new random key pair (libcrypto's CSPRNG).
  public static func generate() throws(SigningError) -> Ed25519PrivateKey {
    guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else { throw .libcrypto("EVP_PKEY_CTX_new_id") }
    defer { EVP_PKEY_CTX_free(context) }
    var key: OpaquePointer?
    guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &key) == 1, let key else {
      throw .libcrypto("EVP_PKEY_keygen")
    }
    return Ed25519PrivateKey(key: key)
  }

  /// Reads a PEM private key (`-----BEGIN PRIVATE KEY-----`); anything but an Ed25519 key is refused.
  public convenience init(pem: String) throws(SigningError) {
    guard let key = PEMBuffer.read(pem, { PEM_read_bio_PrivateKey($0, nil, nil, nil) }) else {
      throw .badKey("is not a PEM private key (-----BEGIN PRIVATE KEY-----)")
    }
    guard EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 else {
      EVP_PKEY_free(key)
      throw .badKey("is not an Ed25519 key (made by `coldtrace keys init`)")
    }
    self.init(key: key)
  }

  /// The key as PEM (PKCS #8).
  public func pem() throws(SigningError) -> String {
    guard let text = PEMBuffer.write({ PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }) else {
      throw .libcrypto("PEM_write_bio_PrivateKey")
    }
    return text
  }

  /// The matching public key.
  public func publicKey() throws(SigningError) -> Ed25519PublicKey {
    try Ed25519PublicKey(raw: Ed25519PublicKey.rawPublicKey(of: key))
  }

  /// The 64-byte Ed25519 signature of `message`.
  public func sign(_ message: [UInt8]) throws(SigningError) -> [UInt8] {
    guard let context = EVP_MD_CTX_new() else { throw .libcrypto("EVP_MD_CTX_new") }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else { throw .libcrypto("EVP_DigestSignInit") }
    var signature = [UInt8](repeating: 0, count: 64)
    var length = signature.count
    let status = message.withUnsafeBufferPointer { bytes in
      EVP_DigestSign(context, &signature, &length, bytes.baseAddress, bytes.count)
    }
    guard status == 1, length == 64 else { throw .libcrypto("EVP_DigestSign") }
    return signature
  }
}
