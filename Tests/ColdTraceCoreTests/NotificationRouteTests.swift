import Testing

@testable import ColdTraceCore

/// A channel's routing: filters, quiet hours for warnings, and the retry back-off, all on given times.
struct NotificationRouteTests {
  @Test func theBackOffDoublesFromItsBaseUpToItsCap() {
    let backoff = RetryBackoff(baseSeconds: 5, capSeconds: 600)
    #expect((0...9).map { backoff.delaySeconds(afterAttempts: $0) } == [0, 5, 10, 20, 40, 80, 160, 320, 600, 600])
    #expect(backoff.delaySeconds(afterAttempts: 1_000) == 600, "no overflow after days of failures")
  }

  @Test func quietHoursPastMidnightEndAtTheirEndTimeInTheirZone() throws {
    let quiet = try #require(QuietHours.parse("21:00-06:00", offsetMinutes: 420))
    // 2026-05-29 00:00 UTC is 07:00 at +07:00: outside.
    let morning = Timestamp(seconds: 1_780_012_800)
    #expect(quiet.end(after: morning) == nil)
    // 14:30 UTC is 21:30 local: the quiet hours end at 06:00 local the next day, 23:00 UTC.
    let evening = morning.adding(seconds: 14.5 * 3600)
    #expect(quiet.end(after: evening) == morning.adding(seconds: 23 * 3600))
    // 21:00 UTC is 04:00 local: they end two hours later.
    #expect(quiet.end(after: morning.adding(seconds: 21 * 3600)) == morning.adding(seconds: 23 * 3600))
    #expect(quiet.end(after: morning.adding(seconds: 23 * 3600)) == nil, "06:00 itself is daytime")
    #expect(QuietHours.parse("06:00-06:00", offsetMinutes: 0) == nil)
    #expect(QuietHours.parse("21:00", offsetMinutes: 0) == nil)
    #expect(QuietHours.parse("25:00-06:00", offsetMinutes: 0) == nil)
  }

  @Test func warningsWaitForTheEndOfQuietHoursAndCriticalsNever() throws {
    var route = NotificationRoute(channel: "sms")
    route.quietHours = QuietHours(fromMinute: 12 * 60, toMinute: 13 * 60, offsetMinutes: 0)
    let noon = Timestamp(seconds: 1_780_012_800 + 12 * 3600 + 600)
    #expect(route.due(severity: .warning, queuedAt: noon) == Timestamp(seconds: 1_780_012_800 + 13 * 3600))
    #expect(route.due(severity: .critical, queuedAt: noon) == noon)
  }

  @Test func emptyFiltersTakeEverythingAndEachFilterNarrows() {
    let alert = AlertRecord(
      id: 1, kind: .tempHigh, severity: .critical, state: .open, site: "hx", room: "cold2", sensor: "p1", lots: [],
      product: nil, openedAt: Timestamp(seconds: 0), limit: 8, peak: 9, message: "m")
    var route = NotificationRoute(channel: "sms")
    #expect(route.matches(alert))
    route.rooms = ["hx/cold3"]
    #expect(!route.matches(alert))
    route.rooms = ["hx/cold2"]
    route.kinds = [.offline]
    #expect(!route.matches(alert))
    route.kinds = [.tempHigh]
    route.severities = [.critical]
    route.sites = ["hx"]
    #expect(route.matches(alert))
  }
}
