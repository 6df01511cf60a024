/// The lots in one room at one moment, each with its own product profile, and how the room's probes are judged.
///
/// A probe has one alert per kind open at a time, whatever it hangs over, so its band alerts are judged against the
/// strictest combination of the profiles present (`ProductProfile.strictest`): any lot's limit being crossed counts.
/// Each alert then names only the lots whose own profile the value violates. Budgets and cold-treatment clocks are
/// per lot, with the lot's own profile (`LotEngine`).
public struct SharedRoom: Sendable {
  /// One lot present, with the profile of its product.
  public struct Occupant: Sendable, Equatable {
    public var lot: String
    public var profile: ProductProfile

    public init(lot: String, profile: ProductProfile) {
      self.lot = lot
      self.profile = profile
    }
  }

  public var occupants: [Occupant]
  /// The profile the room's probes are judged by.
  public var profile: ProductProfile

  /// `occupants` in placement order; `fallback` judges a room without any lot of a known product.
  public init(occupants: [Occupant], fallback: ProductProfile) {
    self.occupants = occupants
    self.profile = ProductProfile.strictest(of: occupants.map(\.profile)) ?? fallback
  }

  /// The lots an event of the room's probes names: for a band alert opening or escalating, the lots whose own
  /// profile the value is past (on the alert's side, past the warning limit or the critical one where there is no
  /// warning limit); for a resolution none (the alert keeps the lots it named); for any other kind every lot present.
  public func lots(for event: AlertEvent) -> [String] {
    guard let (metric, direction) = event.kind.band else { return occupants.map(\.lot) }
    guard event.type != .resolved else { return [] }
    guard let value = event.value else { return occupants.map(\.lot) }
    let affected = occupants.filter { occupant in
      occupant.profile.bands(for: metric).clearingThreshold(direction).map { direction.isPast(value, $0) } ?? false
    }
    return (affected.isEmpty ? occupants : affected).map(\.lot)
  }
}
