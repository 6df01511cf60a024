import CLibPQ

/// A `postgres://` (or `postgresql://`) database URL, checked by libpq's own parser before anything connects, so a
/// typing mistake is a one-line error naming the URL rather than a connection attempt to somewhere else.
///
/// A unix socket directory goes in the query: `postgres:///coldtrace?host=/run/postgresql` or percent-encoded as the
/// host (`postgres://%2Frun%2Fpostgresql/coldtrace`); every libpq keyword may be given there
/// (`?sslmode=verify-full&connect_timeout=5`).
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
  public let text: String

  public init(_ text: String) throws {
    guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
      throw PostgresError(
        .badURL,
        message: "bad database URL \(Self.redacted(text)): expected postgres://USER@HOST:PORT/DATABASE "
          + "(or postgres:///DATABASE?host=/socket/dir)")
    }
    var failure: UnsafeMutablePointer<CChar>? = nil
    guard let options = PQconninfoParse(text, &failure) else {
      let reason = failure.map { String(cString: $0) } ?? "libpq cannot parse it"
      if let failure { PQfreemem(failure) }
      throw PostgresError(.badURL, message: "bad database URL \(Self.redacted(text)): \(reason)")
    }
    PQconninfoFree(options)
    self.text = text
  }

  /// The URL without its password, for messages and logs.
  public var description: String { Self.redacted(text) }

  /// `text` with the password of `scheme://user:password@host` and of a `password=` query parameter replaced by
  /// `***`.
  static func redacted(_ text: String) -> String {
    guard let query = text.firstIndex(of: "?") else { return redactedAuthority(text) }
    let parameters = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map {
      $0.lowercased().hasPrefix("password=") ? "password=***" : String($0)
    }
    return redactedAuthority(String(text[..<query])) + "?" + parameters.joined(separator: "&")
  }

  private static func redactedAuthority(_ text: String) -> String {
    guard let schemeEnd = text.range(of: "://") else { return text }
    let rest = text[schemeEnd.upperBound...]
    let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
    let authority = rest[..<authorityEnd]
    guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
    return String(text[..<authority.index(after: colon)]) + "***" + String(text[at...])
  }
}
