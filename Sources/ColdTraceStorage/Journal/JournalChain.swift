import CCrypto
import ColdTraceCore

/// The journal's hash chain: every line carries, as `"prev"`, the SHA-256 of the line before it, so no line can be
/// changed, removed or inserted without breaking the chain from there on (an audit trail in the spirit of EN 12830
/// and 21 CFR 11 §11.10(e)). The first line's `prev` is 64 zeros. Files verify together, in order, when each
/// continues the one before; a fresh file the collector's catch-up writes after a rotation starts again at event 1 and
/// verifies on its own.
public enum JournalChain {
  public static let genesis = String(repeating: "0", count: 64)

  /// Lowercase hex SHA-256 of a line's bytes (without its newline).
  public static func hash(_ line: String) -> String { hash(bytes: Array(line.utf8)) }

  /// Lowercase hex SHA-256 of `bytes` (also the report seal's digest).
  public static func hash(bytes input: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    input.withUnsafeBufferPointer { source in
      digest.withUnsafeMutableBufferPointer { output in
        _ = SHA256(source.baseAddress, source.count, output.baseAddress)
      }
    }
    let hex = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for byte in digest {
      text.append(hex[Int(byte >> 4)])
      text.append(hex[Int(byte & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// The `prev` a line declares, or `nil` if it has none.
  public static func declaredPrevious(_ line: Substring) -> String? {
    guard let range = line.range(of: "\"prev\":\"") else { return nil }
    let start = range.upperBound
    guard let end = line.index(start, offsetBy: 64, limitedBy: line.endIndex) else { return nil }
    return String(line[start..<end])
  }

  /// Where a chain breaks: the file, the 1-based line, and why.
  public struct Break: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int
    public let reason: String
    public var description: String { "\(file):\(line): \(reason)" }
  }

  /// Checks journal files (oldest first, each continuing the one before) line by line; returns the number of lines, the head hash and where
  /// torn lines were skipped. The first line's `prev` is taken as given, so a set of files that starts after older
  /// ones were archived verifies.
  ///
  /// A torn line (not a whole JSON object: a crash or a power cut cut it short, and the next line was started on a
  /// line of its own, `AlertJournal`) is skipped, not chained: the line after it must chain to the last whole line
  /// before it, as the collector's catch-up writes it. Cutting a whole line short by hand still breaks the chain there.
  public static func verify(
    files: [(name: String, text: String)]
  ) -> Result<(lines: Int, head: String, torn: [String]), Break> {
    var expected: String? = nil
    var count = 0
    var torn: [String] = []
    for (name, text) in files {
      var number = 0
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        number += 1
        if line.isEmpty { continue }
        guard case .object? = try? JSONParser.parse(String(line)) else {
          torn.append("\(name):\(number)")
          continue
        }
        guard let declared = declaredPrevious(line) else {
          return .failure(Break(file: name, line: number, reason: "the line carries no \"prev\" hash"))
        }
        if let expected, declared != expected {
          return .failure(
            Break(
              file: name, line: number,
              reason: "\"prev\" is \(declared.prefix(12))… but the line before hashes to \(expected.prefix(12))…; "
                + "this line or the one before was changed, removed or inserted"))
        }
        expected = hash(String(line))
        count += 1
      }
    }
    return .success((count, expected ?? genesis, torn))
  }
}
