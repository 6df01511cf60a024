import ColdTraceCore
import Testing

/// The site alert of probes of several rooms crossing together: its key, and how its message names the rooms and
/// their probes, within the 20 names a message holds.
struct SiteCrossingMessageTests {
  private let at = Timestamp(seconds: 1_780_000_000)

  private func member(_ room: String, _ sensor: String, _ severity: Severity = .critical, peak: Double? = nil)
    -> CrossingGroupRule.Member
  {
    .init(sensor: sensor, severity: severity, limit: 8, peak: peak, productID: "litchi", room: room)
  }

  @Test func theSiteAlertNamesTheRoomsAndTheirProbes() {
    let opening = CrossingGroupRule.opening(
      site: "hx", room: "-", kind: .tempHigh,
      members: [member("cold2", "p3", .warning), member("cold1", "p1", peak: 9.5), member("cold1", "p2")], at: at)
    #expect(opening.key == CrossingGroupRule.siteKey(site: "hx"))
    #expect((opening.severity, opening.value, opening.peak) == (.critical, 3, 9.5))
    #expect(
      opening.message
        == "3 probes in 2 rooms of site hx (cold1, cold2) temperature above 8 °C together (litchi, critical): "
        + "cold1: p1 (peak 9.5 °C), p2; cold2: p3; a shared cause is likely (the site's refrigeration plant, its "
        + "power); each probe's own alert is in coldtrace alerts")
    let resolution = CrossingGroupRule.resolution(
      site: "hx", room: "-", kind: .tempHigh, severity: .critical, productID: "litchi", count: 3, rooms: 2, at: at)
    #expect(resolution.message == "all 3 probes in 2 rooms of site hx are back inside their temp_high limit")
  }

  @Test func aLargeSiteIsNamedUpToTwentyProbesAndRooms() {
    // 30 rooms of one probe each: 20 named, 10 counted, in the room list and in the probes.
    let members = (1...30).map { index in
      let number = index < 10 ? "0\(index)" : "\(index)"
      return member("room\(number)", "p\(number)")
    }
    let message = CrossingGroupRule.opening(site: "hx", room: "-", kind: .tempHigh, members: members, at: at).message
    #expect(message.hasPrefix("30 probes in 30 rooms of site hx (room01, room02,"))
    #expect(message.contains("room20 and 10 more) temperature above 8 °C"), "\(message)")
    #expect(message.contains("room20: p20 and 10 more; a shared cause"), "\(message)")
    #expect(!message.contains("room21"))
  }
}
