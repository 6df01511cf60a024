import ColdTraceCore

/// Which product profile judges the readings of each room.
///
/// Until lots are tracked (each lot brings its own product into a room), a room is assigned a product in the collector
/// config, and rooms without an assignment use `defaultProduct`.
public struct ProductAssignment: Sendable {
  public var defaultProduct: ProductProfile
  /// "site/room" → profile.
  public var rooms: [String: ProductProfile]

  public init(defaultProduct: ProductProfile = BuiltInProfiles.litchi, rooms: [String: ProductProfile] = [:]) {
    self.defaultProduct = defaultProduct
    self.rooms = rooms
  }

  public func profile(for key: SensorKey) -> ProductProfile {
    rooms["\(key.site)/\(key.room)"] ?? defaultProduct
  }
}
