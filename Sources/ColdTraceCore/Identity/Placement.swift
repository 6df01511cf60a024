/// Where a probe is mounted, which decides what its readings judge (docs/alert-rules.md, "Probe placement"): an agent
/// announces it per sensor in its status, the collector's `[placements]` overrides it, and a probe nobody placed is
/// in the `air`.
public enum Placement: String, Sendable, Equatable, CaseIterable {
  /// In the room air (the usual probe on the wall): swings with every defrost and door opening.
  case air
  /// In the pulp of the product, or among the packed product.
  case product
  /// In a product simulant (a bottle of glycol or gel that lags like the product).
  case simulant
  /// On the evaporator coil: shows the compressor cycling and every defrost, never the product.
  case evaporator
  /// Outside the room (the loading bay, the street): context, never the product.
  case ambient

  /// Whether the probe measures the product itself (`product` or `simulant`).
  public var measuresProduct: Bool { self == .product || self == .simulant }

  /// Whether the probe's readings are judged against a product's limits at all (band and trend alerts, lot rules):
  /// evaporator and ambient probes never are; their fault and offline rules still apply.
  public var judgesProduct: Bool { self != .evaporator && self != .ambient }

  /// Whether the probe's readings feed the lot rules (budgets, cold treatment) of a room: its product and simulant
  /// probes where it has one (`roomHasProductProbe`), else its air probes.
  public func feedsLotRules(roomHasProductProbe: Bool) -> Bool {
    roomHasProductProbe ? measuresProduct : judgesProduct
  }

  /// The accepted words, for errors: "air, product, simulant, evaporator, ambient".
  public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
