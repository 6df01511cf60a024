/// The canonical bytes a report's integrity seal hashes, and SHA-256 over them.
///
/// Readings are written as fixed-width little-endian fields (time in ms, then the bit patterns of temperature and
/// humidity, an absent value as all ones), so the digest does not depend on number formatting. The values are those
/// read back from the stored milli units (`StoredSample.value`), the same Doubles as before the compact schema for any
/// reading at 0.001 resolution: a report sealed before migration `v7-compact-readings` still verifies after it.
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
  var sha256: String { JournalChain.hash(bytes: bytes) }
}
