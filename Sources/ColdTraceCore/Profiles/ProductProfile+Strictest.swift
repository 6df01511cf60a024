extension ProductProfile {
  /// The strictest combination of several profiles, for a room that holds lots of different products: on each side
  /// and level the tightest threshold present (the lowest high limit, the highest low limit) with the shortest delay
  /// present, and the widest hysteresis. Its id joins the products' ids with `+` (e.g. `litchi+longan`). Budgets and
  /// cold treatments stay with each lot and are not combined. One profile is returned as it is; none gives `nil`.
  ///
  /// Products whose bands do not overlap (frozen meat beside fresh fruit) make a combination no temperature
  /// satisfies: the room alarms, and each alert names the lots it is wrong for.
  public static func strictest(of profiles: [ProductProfile]) -> ProductProfile? {
    var distinct: [ProductProfile] = []
    for profile in profiles where !distinct.contains(where: { $0.id == profile.id }) { distinct.append(profile) }
    guard let first = distinct.first else { return nil }
    guard distinct.count > 1 else { return first }
    return ProductProfile(
      id: distinct.map(\.id).joined(separator: "+"),
      name: distinct.map(\.name).joined(separator: " + "),
      temperature: MetricBands.strictest(of: distinct.map(\.temperature)),
      humidity: MetricBands.strictest(of: distinct.map(\.humidity)),
      trend: TrendSettings.strictest(of: distinct.compactMap(\.trend)),
      sources: distinct.flatMap(\.sources),
      notes: ["The strictest combination of " + distinct.map(\.id).joined(separator: ", ") + " (a shared room)."])
  }
}

extension MetricBands {
  /// The tightest limits of `bands` (see `ProductProfile.strictest`).
  static func strictest(of bands: [MetricBands]) -> MetricBands {
    func combine(_ severity: Severity, _ direction: BandDirection) -> BandLimit? {
      let limits = bands.compactMap { $0.limit(severity, direction) }
      guard let delay = limits.map(\.delaySeconds).min() else { return nil }
      let thresholds = limits.map(\.threshold)
      let threshold = direction == .high ? thresholds.min()! : thresholds.max()!
      return BandLimit(threshold: threshold, delaySeconds: delay)
    }
    return MetricBands(
      warningHigh: combine(.warning, .high), criticalHigh: combine(.critical, .high),
      warningLow: combine(.warning, .low), criticalLow: combine(.critical, .low),
      hysteresis: bands.map(\.hysteresis).max() ?? 0)
  }
}
