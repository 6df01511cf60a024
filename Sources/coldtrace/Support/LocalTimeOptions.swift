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
