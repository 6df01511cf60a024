/// Why a key could not be made, read or used, in words for the operator or the importer.
public enum SigningError: Error, Equatable, CustomStringConvertible {
  /// The key text is not what it should be (`reason` completes "the key …").
  case badKey(String)
  /// A libcrypto call failed (out of memory or a broken installation).
  case libcrypto(String)
  /// The text cannot be signed, for the reason given.
  case refused(String)

  public var description: String {
    switch self {
    case .badKey(let reason): "the key \(reason)"
    case .libcrypto(let call): "libcrypto's \(call) failed"
    case .refused(let reason): reason
    }
  }
}
