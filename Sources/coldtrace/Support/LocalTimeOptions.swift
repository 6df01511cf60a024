import ArgumentParser
import ColdTraceCollector
import ColdTraceCore

/// `--utc`, for the commands that show people times: without it, times are in the site's zone (the config's
/// `time_zone`, a site's own `[sites.<id>] time_zone`; default Asia/Ho_Chi_Minh), stated on the page.
struct LocalTimeOptions: ParsableArguments {
  @Flag(help: "Show times in UTC instead of the site's time zone (the config's time_zone, default Asia/Ho_Chi_Minh).")
  var utc = false

  /// The zones to show each site's times in.
  func zones(_ settings: CollectorConfigFile) -> SiteTimeZones {
    utc ? SiteTimeZones(default: .utc) : settings.timeZones
  }
}

extension SiteTimeZones {
  /// A time in a table, to the minute in `site`'s zone: `2026-06-12 10:40`.
  func minute(_ time: Timestamp, site: String) -> String { Language.en.dateTime(time, in: zone(ofSite: site)) }

  /// The last line of an English table whose times of `sites` span `times`: `times in Asia/Ho_Chi_Minh (+07:00)`.
  func statement(sites: [String], times: [Timestamp]) -> String {
    let now = Timestamp(milliseconds: 0)
    return statement(sites: sites, from: times.min() ?? now, to: times.max() ?? now, language: .en)
  }
}
