import CCrypto

/// The canonical bytes a report's integrity seal hashes, and SHA-256 over them.
///
/// Readings are written as fixed-width little-endian fields (time in ms, then the bit patterns of temperature and
/// humidity, an absent value as all ones), so the digest does not depend on number formatting.
struct ReportDigest {
  private(set) var bytes: [UInt8] = []

  mutating func append(_ text: String) {
    bytes.append(contentsOf: text.utf8)
    bytes.append(0)
  }

  mutating func append(_ value: Int64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func append(_ value: Double?) {
    let pattern = value.map { $0.bitPattern } ?? UInt64.max
    withUnsafeBytes(of: pattern.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func reserve(_ count: Int) { bytes.reserveCapacity(bytes.count + count) }

  /// Lowercase hex SHA-256 of the bytes appended so far.
  var sha256: String { Self.sha256(bytes) }

  static func sha256(_ input: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    input.withUnsafeBufferPointer { source in
      digest.withUnsafeMutableBufferPointer { output in
        _ = SHA256(source.baseAddress, source.count, output.baseAddress)
      }
    }
    let hex = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in digest {
      text.append(hex[Int(byte >> 4)])
      text.append(hex[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
