import ArgumentParser
import ColdTraceCollector
import ColdTraceCore
import ColdTraceSystem

/// `--utc` or `--utc-offset`, for the reports: their days and times in the site's time zone (stated on the page), in
/// UTC, or at one fixed offset from it.
struct ReportTimeOptions: ParsableArguments {
  @OptionGroup var localTime: LocalTimeOptions
  @Option(
    help: ArgumentHelp("Show days and times at this fixed offset instead, e.g. +07:00.", valueName: "±HH:MM"))
  var utcOffset: String?

  /// `--utc-offset` in minutes east of UTC, nil without it. A malformed offset, or `--utc` with it, is a usage error
  /// (one line, exit 2): call it before opening anything.
  func fixedOffsetMinutes() throws -> Int? {
    let minutes = try utcOffset.map(Self.parseOffset)
    if minutes != nil, localTime.utc { throw UsageError("give either --utc or --utc-offset, not both") }
    return minutes
  }

  /// The zone to show `site`'s days and times in: the fixed offset (from `fixedOffsetMinutes()`), else UTC with
  /// `--utc`, else the site's own.
  func zone(fixedOffsetMinutes: Int?, settings: CollectorConfigFile, site: String) -> SiteTimeZone {
    fixedOffsetMinutes.map { SiteTimeZone.fixed(offsetMinutes: $0) } ?? localTime.zones(settings).zone(ofSite: site)
  }

  /// `+07:00`, `-05:30`, `+7`, `Z` or `UTC` as minutes east of UTC.
  static func parseOffset(_ text: String) throws -> Int {
    if text == "Z" || text.uppercased() == "UTC" { return 0 }
    let sign: Int
    switch text.first {
    case "+": sign = 1
    case "-": sign = -1
    default: throw UsageError("--utc-offset must look like +07:00 or -05:30, not \"\(text)\"")
    }
    let parts = text.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let hours = Int(parts[0]), (0...14).contains(hours),
      let minutes = parts.count == 2 ? Int(parts[1]) : 0, (0..<60).contains(minutes)
    else { throw UsageError("--utc-offset must look like +07:00 or -05:30, not \"\(text)\"") }
    return sign * (hours * 60 + minutes)
  }
}
