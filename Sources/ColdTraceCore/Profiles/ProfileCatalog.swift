/// The product profiles in force: the built-in ones, with a configuration's overrides and additions applied.
///
/// Every lookup of a product by id (a lot's product, a room's assignment, `coldtrace products`, the report) goes
/// through one catalog, so a cooperative's stricter contract limits apply everywhere at once.
public struct ProfileCatalog: Sendable, Equatable {
  /// In order: built-ins first (an override keeps its built-in's place), then additions in the order configured.
  public private(set) var profiles: [ProductProfile]

  public init(profiles: [ProductProfile] = BuiltInProfiles.all) { self.profiles = profiles }

  public static let builtIn = ProfileCatalog()

  /// The profile with this id (ASCII case ignored), or `nil`.
  public func named(_ id: String) -> ProductProfile? {
    let wanted = id.lowercased()
    return profiles.first { $0.id.lowercased() == wanted }
  }

  /// The ids, for error messages that list what is known.
  public var ids: [String] { profiles.map(\.id) }

  /// Adds `profile`, or replaces the one with its id.
  public mutating func install(_ profile: ProductProfile) {
    if let index = profiles.firstIndex(where: { $0.id.lowercased() == profile.id.lowercased() }) {
      profiles[index] = profile
    } else {
      profiles.append(profile)
    }
  }

  /// Whether `profile` differs from the built-in of the same id (or has none): shown as configured.
  public func isConfigured(_ profile: ProductProfile) -> Bool { BuiltInProfiles.named(profile.id) != profile }
}
