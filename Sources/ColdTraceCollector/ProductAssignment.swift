import ColdTraceCore

/// Which product profile judges the readings of each room.
///
/// The lots in the room at the reading's time decide (the first lot placed there whose product is known); a room with
/// no lot falls back to its product in the collector config, then to `defaultProduct`. Rooms holding lots of different
/// products are judged by the first lot's product for now (per-product judgement in one room is still to come).
public struct ProductAssignment: Sendable {
  public var defaultProduct: ProductProfile
  /// "site/room" → profile.
  public var rooms: [String: ProductProfile]

  public init(defaultProduct: ProductProfile = BuiltInProfiles.litchi, rooms: [String: ProductProfile] = [:]) {
    self.defaultProduct = defaultProduct
    self.rooms = rooms
  }

  public func profile(for key: SensorKey, lotProducts: [String] = []) -> ProductProfile {
    for product in lotProducts {
      if let profile = BuiltInProfiles.named(product) { return profile }
    }
    return rooms["\(key.site)/\(key.room)"] ?? defaultProduct
  }
}
