import ColdTraceCore

/// The registry's sites (`SiteAdmission`), each at a place that never changes, so that a reading's
/// `ProbeRegistry.Slot` finds its site again without hashing the site's name. Sites are only ever added.
struct RegistrySites {
  private var places: [String: Int] = [:]
  private var names: [String] = []
  private var admissions: [SiteAdmission] = []
  /// Counts the times a sensor id left a site's registered set (an operator's `probe reject`): a slot that saw its
  /// probe registered before the latest removal checks the set again.
  private(set) var removals = 0
  let config: SiteLimitsConfig

  init(config: SiteLimitsConfig) { self.config = config }

  /// The place of `site`, added with its configured limits (its bucket full at `now`, milliseconds) if new.
  mutating func place(of site: String, now: Int64) -> Int {
    if let place = places[site] { return place }
    names.append(site)
    admissions.append(SiteAdmission(limits: config.limits(of: site), now: now))
    places[site] = names.count - 1
    return names.count - 1
  }

  /// Whether `place` is `site`'s (a slot checks that before it is used).
  func holds(_ site: String, at place: Int) -> Bool { place < names.count && names[place] == site }

  /// Changes the site at `place`.
  mutating func update<Result>(at place: Int, _ change: (inout SiteAdmission) -> Result) -> Result {
    change(&admissions[place])
  }

  /// Changes `site`, added first if new.
  mutating func update<Result>(_ site: String, now: Int64, _ change: (inout SiteAdmission) -> Result) -> Result {
    change(&admissions[place(of: site, now: now)])
  }

  /// `site`'s part, if the registry has it.
  subscript(site: String) -> SiteAdmission? { places[site].map { admissions[$0] } }

  /// Every site with its name.
  var all: Zip2Sequence<[String], [SiteAdmission]> { zip(names, admissions) }

  /// Notes that a sensor id left a site's registered set.
  mutating func noteRemoval() { removals += 1 }
}
