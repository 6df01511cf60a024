/// Each site's time zone for people (the collector config's `time_zone` and `[sites.<id>] time_zone`), and how a page
/// states them.
public struct SiteTimeZones: Sendable, Hashable {
  public var `default`: SiteTimeZone
  public var sites: [String: SiteTimeZone]

  public init(default zone: SiteTimeZone, sites: [String: SiteTimeZone] = [:]) {
    self.default = zone
    self.sites = sites
  }

  public func zone(ofSite site: String) -> SiteTimeZone { sites[site] ?? self.default }

  /// The line that says which zone the times of `sites` are in, between `from` and `to`:
  /// `times in Asia/Ho_Chi_Minh (+07:00)` / `giờ Asia/Ho_Chi_Minh (+07:00)`; when the sites differ, each one's:
  /// `times in each site's zone: berlin Europe/Berlin (+01:00), hongxuan Asia/Ho_Chi_Minh (+07:00)`.
  public func statement(sites shown: [String], from: Timestamp, to: Timestamp, language: Language) -> String {
    let distinct = Set(shown.map { zone(ofSite: $0) })
    guard distinct.count > 1 else {
      let label = (distinct.first ?? self.default).label(from: from, to: to)
      return language == .vi ? "giờ \(label)" : "times in \(label)"
    }
    let list = Set(shown).sorted().map { "\($0) \(zone(ofSite: $0).label(from: from, to: to))" }
      .joined(separator: ", ")
    return language == .vi ? "giờ theo múi giờ của từng cơ sở: \(list)" : "times in each site's zone: \(list)"
  }
}
