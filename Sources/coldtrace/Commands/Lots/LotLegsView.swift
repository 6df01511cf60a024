import ColdTraceCore
import ColdTraceStorage

/// A lot's legs imported from standalone loggers (`coldtrace import`) as `coldtrace lot show` lists them: each leg's
/// period in the zone of the site the lot entered first (as its report shows it), logger, file, the first 12 hex
/// digits of the file's SHA-256 (the report prints it whole) and how many readings.
struct LotLegsView {
  let legs: [ImportedLegSummary]

  /// The table, or nil for a lot without imported legs (most lots: nothing is printed for them).
  func text(zones: SiteTimeZones, site: String) -> String? {
    guard !legs.isEmpty else { return nil }
    var table = TextTable("IMPORTED LEG", "FROM", "TO", "LOGGER", "FILE", "SHA-256", "READINGS")
    for leg in legs {
      table.add(
        leg.name, zones.minute(leg.from, site: site), zones.minute(leg.to, site: site), leg.logger ?? "-",
        leg.fileName, String(leg.fileSHA256.prefix(12)), "\(leg.readings)")
    }
    return table.render()
  }

  /// `"imported_legs":[{leg, logger, file, file_sha256, imported_by, imported_at, from, to, readings}]`, oldest
  /// first, empty for a lot without legs.
  func writeJSONField(to json: inout JSONObjectWriter) {
    json.objects("imported_legs", legs) { json, leg in json.importedLeg(leg) }
  }

  /// The legs' times, for the table's last line (which zone they are in).
  var times: [Timestamp] { legs.flatMap { [$0.from, $0.to] } }
}
