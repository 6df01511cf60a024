import ColdTraceCore
import ColdTraceStorage

/// The site brokers section of `coldtrace status`: each site broker's link to the central broker as its bridge last
/// announced it (`coldtrace/v1/bridge/<site>`), e.g. `hongxuan  uplink down since 2026-12-07 10:41 (...)`. Times are in
/// the site's zone (`text.zones`). With `--json`, one line per site (`jsonLines`), times in UTC.
enum SiteBridgeLines {
  static func render(_ bridges: [SiteBridgeState], text: StatusText) -> String? {
    guard !bridges.isEmpty else { return nil }
    let vi = text.language == .vi
    var lines = [vi ? "Broker tại cơ sở (cầu nối lên trung tâm)" : "Site brokers (bridge to the centre)"]
    for bridge in bridges {
      let since = text.time(bridge.since, site: bridge.site)
      let state: String
      switch (bridge.up, vi) {
      case (true, false): state = "uplink up since \(since)"
      case (true, true): state = "đường truyền lên trung tâm hoạt động từ \(since)"
      case (false, false):
        state = "UPLINK DOWN since \(since): the site broker keeps the site's readings until it is back"
      case (false, true):
        state = "MẤT ĐƯỜNG TRUYỀN từ \(since): broker tại cơ sở giữ các bản ghi cho đến khi nối lại"
      }
      lines.append("  \(bridge.site)  \(state)")
    }
    return lines.joined(separator: "\n")
  }

  /// With `--json`, after the agents: one line per site with a site broker, `{"site","bridge","bridge_since",
  /// "bridge_seen"}`: `bridge` is `up` or `down` (no `sensor` or `agent` field, so a filter on those passes over it).
  static func jsonLines(_ bridges: [SiteBridgeState]) -> [String] {
    bridges.map { bridge in
      JSONObjectWriter.object { json in
        json.string("site", bridge.site)
        json.string("bridge", bridge.up ? "up" : "down")
        json.string("bridge_since", bridge.since.rfc3339)
        json.string("bridge_seen", bridge.seen.rfc3339)
      }
    }
  }
}
