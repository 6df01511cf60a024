import ColdTraceCore
import Testing

/// A site's time zone as reports and the shell use it: each time at the zone's offset at that instant, local days
/// that are 23 or 25 hours long where daylight saving time changes, and the label a page states.
@Suite struct SiteTimeZoneTests {
  private func utc(_ text: String) -> Timestamp { Timestamp.parseRFC3339(text)! }

  /// Europe/Berlin in 2026 as the zone data has it: CEST from 29 March 01:00 UTC to 25 October 01:00 UTC.
  private var berlin: SiteTimeZone {
    SiteTimeZone(
      identifier: "Europe/Berlin", initialOffsetSeconds: 3600,
      changes: [
        .init(start: utc("2026-03-29T01:00:00Z").milliseconds, offsetSeconds: 7200),
        .init(start: utc("2026-10-25T01:00:00Z").milliseconds, offsetSeconds: 3600),
      ])
  }

  @Test func vietnamIsSevenHoursAheadAllYear() {
    let zone = SiteTimeZone.vietnam
    for text in ["2026-01-15T03:40:00Z", "2026-07-15T03:40:00Z"] {
      #expect(zone.offsetSeconds(at: utc(text)) == 25_200)
    }
    let time = utc("2026-06-12T01:00:00Z")
    #expect(zone.rfc3339(time) == "2026-06-12T08:00:00.000+07:00")
    #expect(Language.en.dateTime(time, in: zone) == "2026-06-12 08:00")
    #expect(Language.vi.dateTime(time, in: zone) == "12/06/2026 08:00")
    #expect(zone.label(at: time) == "Asia/Ho_Chi_Minh (+07:00)")
    #expect(SiteTimeZone.utc.rfc3339(time) == "2026-06-12T01:00:00.000Z")
    #expect(SiteTimeZone.utc.label(at: time) == "UTC")
    #expect(SiteTimeZone.fixed(offsetMinutes: -330).label(at: time) == "UTC-05:30")
  }

  @Test func aSummerAndAWinterReadingInBerlinTakeTheirOwnOffsets() {
    let summer = utc("2026-07-01T10:00:00Z")
    let winter = utc("2026-12-01T10:00:00Z")
    #expect(Language.en.dateTime(summer, in: berlin) == "2026-07-01 12:00")
    #expect(Language.en.dateTime(winter, in: berlin) == "2026-12-01 11:00")
    #expect(berlin.rfc3339(summer) == "2026-07-01T12:00:00.000+02:00")
    #expect(berlin.rfc3339(winter) == "2026-12-01T11:00:00.000+01:00")
    #expect(berlin.label(from: summer, to: winter) == "Europe/Berlin (+02:00, +01:00)")
    #expect(berlin.label(at: winter) == "Europe/Berlin (+01:00)")
  }

  @Test func theDayTheClocksGoForwardHas23Hours() {
    let start = berlin.startOfDay(containing: utc("2026-03-29T12:00:00Z"))
    #expect(start == utc("2026-03-28T23:00:00Z"))
    #expect(berlin.startOfNextDay(after: start) == utc("2026-03-29T22:00:00Z"))
    let autumn = berlin.startOfDay(containing: utc("2026-10-25T12:00:00Z"))
    #expect(autumn == utc("2026-10-24T22:00:00Z"))
    #expect(berlin.startOfNextDay(after: autumn) == utc("2026-10-25T23:00:00Z"), "25 hours")
    #expect(SiteTimeZone.vietnam.startOfDay(containing: utc("2026-06-12T18:00:00Z")) == utc("2026-06-12T17:00:00Z"))
  }

  @Test func theOffsetPeriodSaysHowLongALookUpHolds() {
    let period = berlin.offsetPeriod(at: utc("2026-07-01T10:00:00Z").milliseconds)
    #expect(period.offsetSeconds == 7200)
    #expect(period.from == utc("2026-03-29T01:00:00Z").milliseconds)
    #expect(period.until == utc("2026-10-25T01:00:00Z").milliseconds)
    #expect(SiteTimeZone.vietnam.offsetPeriod(at: 0) == (25_200, Int64.min, Int64.max))
  }
}

/// Alert messages for people: the UTC times rules write in them, shown again in the site's zone with its offset.
@Suite struct LocalTimesInMessagesTests {
  @Test func utcTimesInAMessageTakeTheZonesOffset() {
    let message = "no reading from cold2-air for 12 min (last at 2026-06-12T03:40:00.000Z); check it"
    #expect(
      SiteTimeZone.vietnam.localizingTimes(in: message)
        == "no reading from cold2-air for 12 min (last at 2026-06-12T10:40:00.000+07:00); check it")
    #expect(SiteTimeZone.utc.localizingTimes(in: message) == message)
    let two = "from 2026-06-12T03:40:00.000Z to 2026-12-01T10:00:00.000Z"
    #expect(
      SiteTimeZone.fixed(offsetMinutes: -300).localizingTimes(in: two)
        == "from 2026-06-11T22:40:00.000-05:00 to 2026-12-01T05:00:00.000-05:00")
    for untouched in ["Z", "temperature above 5 °C", "2026-06-12T03:40:00Z (no milliseconds)", "Zalo 2026-06-12"] {
      #expect(SiteTimeZone.vietnam.localizingTimes(in: untouched) == untouched)
    }
  }

  @Test func thePageStatesOneZoneOrEachSites() {
    let now = Timestamp.parseRFC3339("2026-06-12T05:00:00Z")!
    let zones = SiteTimeZones(
      default: .vietnam, sites: ["hub": SiteTimeZone(identifier: "Europe/Berlin", initialOffsetSeconds: 7200)])
    #expect(
      zones.statement(sites: ["hongxuan"], from: now, to: now, language: .en) == "times in Asia/Ho_Chi_Minh (+07:00)")
    #expect(zones.statement(sites: [], from: now, to: now, language: .vi) == "giờ Asia/Ho_Chi_Minh (+07:00)")
    #expect(
      zones.statement(sites: ["hongxuan", "hub", "hongxuan"], from: now, to: now, language: .en)
        == "times in each site's zone: hongxuan Asia/Ho_Chi_Minh (+07:00), hub Europe/Berlin (+02:00)")
  }
}
