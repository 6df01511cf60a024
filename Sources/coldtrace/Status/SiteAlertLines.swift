import ColdTraceCore
import ColdTraceStorage

/// The site alerts section of `coldtrace status`: the open alerts that belong to a whole site rather than to a probe
/// or a room (room `-`: an agent offline, a clock off, a site over its limits, its uplink down, many probes silent at
/// once, probes of several rooms crossing together), which the board's probe rows cannot show, e.g.
/// `hongxuan  critical offline #7 (acknowledged) since 2026-12-07 10:41: 40 probes of site hongxuan …`. Times are in the
/// site's zone (`text.zones`). With `--json`, one line per alert (`jsonLines`), times in UTC.
enum SiteAlertLines {
  /// The text leaves out the kinds another section of `status` already shows with their alert number: a clock off
  /// (Agents) and an uplink down (Site brokers).
  static func render(_ alerts: [AlertRecord], text: StatusText) -> String? {
    let alerts = alerts.filter { $0.kind != .clockSkew && $0.kind != .uplinkDown }
    guard !alerts.isEmpty else { return nil }
    let vi = text.language == .vi
    var lines = [vi ? "Cảnh báo toàn cơ sở đang mở" : "Open site alerts"]
    for alert in alerts {
      let acknowledged = alert.state == .acked ? (vi ? " (đã xác nhận)" : " (acknowledged)") : ""
      let since = text.time(alert.openedAt, site: alert.site)
      lines.append(
        "  \(alert.site)  \(alert.severity.rawValue) \(alert.kind.rawValue) #\(alert.id)\(acknowledged) "
          + "\(vi ? "từ" : "since") \(since): \(alert.message)")
    }
    return lines.joined(separator: "\n")
  }

  /// With `--json`, after the probes: one line per open site alert, `{"site","site_alert","kind","severity","state",
  /// "opened_at","message"}` (`site_alert` is the alert's id; no `sensor` or `agent` field, so a filter on those
  /// passes over it).
  static func jsonLines(_ alerts: [AlertRecord]) -> [String] {
    alerts.map { alert in
      JSONObjectWriter.object { json in
        json.string("site", alert.site)
        json.integer("site_alert", alert.id)
        json.string("kind", alert.kind.rawValue)
        json.string("severity", alert.severity.rawValue)
        json.string("state", alert.state.rawValue)
        json.string("opened_at", alert.openedAt.rfc3339)
        json.string("message", alert.message)
      }
    }
  }
}
