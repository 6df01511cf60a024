/// What a silence or a maintenance window covers: a whole site, one room of it, or one probe in one room, written
/// `hongxuan`, `hongxuan/cold2` or `hongxuan/cold2/cold2-door`.
///
/// Lot alerts (`lot/<lot>/…` pseudo-sensors) are never covered: they are about the product, and cleaning a room does
/// not make warm fruit safe, so a silence must not hide that a lot's budget ran out (docs/alert-rules.md).
public struct SilenceScope: Sendable, Hashable, CustomStringConvertible {
  public var site: String
  public var room: String?
  public var sensor: String?

  public init(site: String, room: String? = nil, sensor: String? = nil) {
    self.site = site
    self.room = room
    self.sensor = sensor
  }

  /// Reads `site[/room[/sensor]]`, each part a valid id; the error says what is wrong with it.
  public static func parse(_ text: String) throws(SilenceScopeError) -> SilenceScope {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard (1...3).contains(parts.count) else {
      throw SilenceScopeError("scope \"\(text)\" must be written <site>, <site>/<room> or <site>/<room>/<sensor>")
    }
    let kinds: [IdentifierKind] = [.site, .room, .sensor]
    for (part, kind) in zip(parts, kinds) {
      do {
        try Identifier.validate(part, as: kind)
      } catch {
        throw SilenceScopeError("scope \"\(text)\": \(error)")
      }
    }
    return SilenceScope(
      site: String(parts[0]), room: parts.count > 1 ? String(parts[1]) : nil,
      sensor: parts.count > 2 ? String(parts[2]) : nil)
  }

  /// Whether an alert raised at `key` falls in this scope. A site scope also covers the site's agent alerts (room
  /// `-`); lot alerts never fall in any scope.
  public func covers(_ key: SensorKey) -> Bool {
    guard !Self.isLotAlert(key), key.site == site else { return false }
    if let room, key.room != room { return false }
    if let sensor, key.sensor != sensor { return false }
    return true
  }

  /// Lot alerts use pseudo-sensors with a `/`, which no real sensor id can contain.
  static func isLotAlert(_ key: SensorKey) -> Bool { key.sensor.contains("/") }

  public var description: String { [site, room, sensor].compactMap { $0 }.joined(separator: "/") }
}

/// A scope that cannot be used, in one line for the operator.
public struct SilenceScopeError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
