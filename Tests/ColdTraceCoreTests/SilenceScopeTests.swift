import Testing

@testable import ColdTraceCore

@Suite("Silence scopes and maintenance windows")
struct SilenceScopeTests {
  private let door = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-door")

  @Test func aScopeCoversItsSiteRoomOrProbeAndNeverALotAlert() throws {
    let site = try SilenceScope.parse("hongxuan")
    let room = try SilenceScope.parse("hongxuan/cold2")
    let probe = try SilenceScope.parse("hongxuan/cold2/cold2-door")
    #expect(site.covers(door) && room.covers(door) && probe.covers(door))
    #expect(!room.covers(SensorKey(site: "hongxuan", room: "cold3", sensor: "cold2-door")))
    #expect(!probe.covers(SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-air")))
    #expect(!site.covers(SensorKey(site: "thanhha", room: "cold2", sensor: "cold2-door")))
    #expect(site.covers(SensorKey(site: "hongxuan", room: "-", sensor: "hx-edge-1")), "the site's agent alerts")
    let lotAlert = SensorKey(site: "hongxuan", room: "cold2", sensor: "lot/LT-1/temp_c")
    #expect(!site.covers(lotAlert) && !room.covers(lotAlert))
    #expect(probe.description == "hongxuan/cold2/cold2-door")
  }

  @Test(arguments: ["", "hongxuan/", "/cold2", "hongxuan/cold2/door/x", "hong xuan", "hongxuan/+", "collector"])
  func aScopeThatIsNoIdPathIsRefused(_ text: String) {
    #expect(throws: SilenceScopeError.self) { try SilenceScope.parse(text) }
  }

  /// 2026-06-15 is a Monday; the window is in +07:00, so 06:00 local is 23:00 UTC the day before.
  private func utc(_ text: String) -> Timestamp { Timestamp.parseRFC3339(text)! }

  @Test func aWindowCoversItsDaysAndHoursInLocalTime() throws {
    let window = MaintenanceWindow(
      id: "maintenance:cleaning", scope: try SilenceScope.parse("hongxuan/cold2"), days: [1, 4], fromMinute: 360,
      toMinute: 450, offsetMinutes: 420, reason: "cleaning")
    #expect(window.covers(door, at: utc("2026-06-15T06:00:00+07:00")))
    #expect(window.covers(door, at: utc("2026-06-14T23:29:59Z")), "Monday 06:29:59 local")
    #expect(!window.covers(door, at: utc("2026-06-15T07:30:00+07:00")), "the end is not in the window")
    #expect(!window.covers(door, at: utc("2026-06-15T05:59:00+07:00")))
    #expect(!window.covers(door, at: utc("2026-06-16T06:30:00+07:00")), "Tuesday")
    #expect(window.covers(door, at: utc("2026-06-18T06:30:00+07:00")), "Thursday")
    #expect(
      !window.covers(SensorKey(site: "hongxuan", room: "cold3", sensor: "x"), at: utc("2026-06-15T06:30:00+07:00")))
    #expect(window.summary == "hongxuan/cold2 mon,thu 06:00-07:30 +07:00: cleaning")
  }

  @Test func aWindowPastMidnightBelongsToTheDayItStartsOn() throws {
    let window = MaintenanceWindow(
      id: "maintenance:1", scope: try SilenceScope.parse("hongxuan"), days: [1], fromMinute: 22 * 60,
      toMinute: 2 * 60, offsetMinutes: 0, reason: "defrost")
    #expect(window.covers(door, at: utc("2026-06-15T22:00:00Z")))
    #expect(window.covers(door, at: utc("2026-06-16T01:59:00Z")), "Tuesday morning, after Monday's start")
    #expect(!window.covers(door, at: utc("2026-06-15T01:00:00Z")), "Monday morning belongs to Sunday's window")
    #expect(!window.covers(door, at: utc("2026-06-16T22:30:00Z")))
    #expect(window.covers(door, at: utc("1970-01-05T23:00:00Z")), "the first Monday after the epoch")
    #expect(window.covers(door, at: utc("1969-12-29T23:00:00Z")), "and the last before it")
  }

  @Test func timesAndZonesAreReadStrictly() {
    #expect(MaintenanceWindow.minutes(of: "06:00") == 360)
    #expect(MaintenanceWindow.minutes(of: "23:59") == 1439)
    for bad in ["24:00", "6:00", "06:60", "06-00", "+6:00", "06:00:00", "", "٠٦:٠٠"] {
      #expect(MaintenanceWindow.minutes(of: bad) == nil, "\(bad)")
    }
    #expect(MaintenanceWindow.offset(of: "+07:00") == 420)
    #expect(MaintenanceWindow.offset(of: "-05:30") == -330)
    #expect(MaintenanceWindow.offset(of: "Z") == 0)
    for bad in ["07:00", "+15:00", "UTC+7", "+7"] { #expect(MaintenanceWindow.offset(of: bad) == nil, "\(bad)") }
  }

  @Test func aSilenceIsActiveFromItsStartUntilItsEndOrWhenItWasEnded() {
    let from = utc("2026-06-15T06:00:00Z")
    var silence = Silence(
      id: 1, scope: SilenceScope(site: "hongxuan"), from: from, until: from.adding(seconds: 7200), reason: "r",
      by: "lan")
    #expect(!silence.isActive(at: from.adding(seconds: -1)))
    #expect(silence.isActive(at: from) && silence.isActive(at: from.adding(seconds: 7199)))
    #expect(!silence.isActive(at: from.adding(seconds: 7200)))
    silence.endedAt = from.adding(seconds: 600)
    #expect(!silence.isActive(at: from.adding(seconds: 600)) && silence.end == from.adding(seconds: 600))
  }
}
