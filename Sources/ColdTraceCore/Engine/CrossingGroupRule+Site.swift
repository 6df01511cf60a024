/// The site alert of `CrossingGroupRule`: probes of two or more rooms of one site crossing the same limit within one
/// group wait (a refrigeration plant or a compressor serving several rooms fails) make one alert for the site, in
/// the shape of the site-level `offline` alert (`OfflineGroupRule`): room `-`, sensor `*`, the kind they crossed,
/// its message naming the rooms and, room by room, their probes (docs/alert-rules.md, "Probes crossing together").
extension CrossingGroupRule {
  /// The room of a site alert: `-`, as the site-level `offline` alert's.
  public static let siteRoom = "-"

  /// The site alert's key: room `-`, sensor `*` (the site-level `offline` alert's too; its kind differs).
  public static func siteKey(site: String) -> SensorKey { key(site: site, room: siteRoom) }

  /// `6 probes in 2 rooms of site hongxuan (cold1, cold2) temperature above 8 °C together (litchi, critical): cold1:
  /// probe-1 (peak 9 °C), probe-2; cold2: probe-5; ...`, up to `namedAtMost` rooms and probes (then how many more).
  static func siteMessage(
    site: String, members: [Member], what: String, metric: Metric?, product: String, severity: Severity
  ) -> String {
    var byRoom: [String: [Member]] = [:]
    for member in members { byRoom[member.room, default: []].append(member) }
    let rooms = byRoom.keys.sorted()
    var left = namedAtMost
    var named: [String] = []
    for room in rooms where left > 0 {
      let shown = (byRoom[room] ?? []).prefix(left)
      left -= shown.count
      named.append("\(room): \(Self.named(shown, metric: metric))")
    }
    let more = members.count > namedAtMost ? " and \(members.count - namedAtMost) more" : ""
    let roomList =
      rooms.prefix(namedAtMost).joined(separator: ", ")
      + (rooms.count > namedAtMost ? " and \(rooms.count - namedAtMost) more" : "")
    return "\(members.count) probes in \(rooms.count) rooms of site \(site) (\(roomList)) \(what) together "
      + "(\(product), \(severity.rawValue)): \(named.joined(separator: "; "))\(more); a shared cause is likely "
      + "(the site's refrigeration plant, its power); each probe's own alert is in coldtrace alerts"
  }
}
