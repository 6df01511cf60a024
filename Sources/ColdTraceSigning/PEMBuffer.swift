import CCrypto

/// PEM text in and out of libcrypto through memory BIOs.
enum PEMBuffer {
  /// Runs `read` on a BIO over `text`; clears libcrypto's error queue so a failed read leaves nothing behind.
  static func read(_ text: String, _ read: (OpaquePointer) -> OpaquePointer?) -> OpaquePointer? {
    defer { ERR_clear_error() }
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
      guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
      defer { BIO_free(bio) }
      return read(bio)
    }
  }

  /// The text `write` puts into a fresh memory BIO, or `nil` when it fails.
  static func write(_ write: (OpaquePointer) -> Int32) -> String? {
    guard let bio = BIO_new(BIO_s_mem()) else { return nil }
    defer { BIO_free(bio) }
    guard write(bio) == 1 else { return nil }
    let pending = Int(BIO_ctrl_pending(bio))
    var bytes = [UInt8](repeating: 0, count: pending)
    guard BIO_read(bio, &bytes, Int32(pending)) == Int32(pending) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }
}
