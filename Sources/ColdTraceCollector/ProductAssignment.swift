import ColdTraceCore

/// Which product profiles judge the readings of each room.
///
/// The lots in the room at the reading's time decide: each lot by its own product's profile, the room's probes by
/// the strictest combination of them (`SharedRoom`). A room with no lot of a known product falls back to its product
/// in the collector config, then to `defaultProduct`. Products are looked up in `catalog`: the built-in profiles with
/// the config's overrides and additions.
public struct ProductAssignment: Sendable {
  public var catalog: ProfileCatalog
  public var defaultProduct: ProductProfile
  /// "site/room" → profile.
  public var rooms: [String: ProductProfile]

  public init(
    catalog: ProfileCatalog = .builtIn, defaultProduct: ProductProfile = BuiltInProfiles.litchi,
    rooms: [String: ProductProfile] = [:]
  ) {
    self.catalog = catalog
    self.defaultProduct = defaultProduct
    self.rooms = rooms
  }

  /// The profile of a lot's product, or `nil` for a product ColdTrace does not know.
  public func profile(forProduct product: String) -> ProductProfile? {
    catalog.named(product)
  }

  /// The lots of the probe's room at one moment, with their profiles, and the profile its probes are judged by.
  public func room(for key: SensorKey, lots: [(id: String, product: String)]) -> SharedRoom {
    let occupants = lots.compactMap { lot in
      profile(forProduct: lot.product).map { SharedRoom.Occupant(lot: lot.id, profile: $0) }
    }
    return SharedRoom(occupants: occupants, fallback: rooms["\(key.site)/\(key.room)"] ?? defaultProduct)
  }
}
