import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceReport

/// EPCIS events in a zone whose offset changes during the lot (as daylight saving time does): each event carries the
/// offset in force at its own time, in `eventTime` and `eventTimeZoneOffset`, and the document still validates.
@Suite(.timeLimit(.minutes(10)))
struct EPCISTimeZoneTests {
  /// +01:00, then +02:00 from 03:30 UTC on 12 June 2026 (halfway through the fixture lot, 01:00–07:00 UTC).
  private let zone = SiteTimeZone(
    identifier: "Europe/Berlin", initialOffsetSeconds: 3600,
    changes: [.init(start: Timestamp.parseRFC3339("2026-06-12T03:30:00Z")!.milliseconds, offsetSeconds: 7200)])

  @Test func eachEventCarriesTheOffsetOfItsOwnTime() throws {
    let text = ReportFormat.epcis.render(EPCISFixtures.report(), ReportFormatter(language: .en, timeZone: zone))
    let (_, events) = try EPCISFixtures.parse(text)
    #expect(events.first?["eventTime"] as? String == "2026-06-12T02:00:00.000+01:00")
    #expect(events.first?["eventTimeZoneOffset"] as? String == "+01:00")
    #expect(events[2]["eventTime"] as? String == "2026-06-12T06:00:00.000+02:00")
    #expect(events[2]["eventTimeZoneOffset"] as? String == "+02:00")
    #expect(events.last?["eventTime"] as? String == "2026-06-12T09:00:00.000+02:00")
    // Hourly summaries on both sides of the change, each boundary at its own offset: the local hour from 04:00 (+01:00)
    // ends at 06:00 (+02:00), one hour later, as the clocks jumped from 04:30 to 05:30.
    #expect(text.contains(#""startTime":"2026-06-12T04:00:00.000+01:00","endTime":"2026-06-12T06:00:00.000+02:00""#))
    let utc = ReportFormat.epcis.render(EPCISFixtures.report(), ReportFormatter(language: .en, timeZone: .utc))
    let (_, utcEvents) = try EPCISFixtures.parse(utc)
    #expect(utcEvents.first?["eventTime"] as? String == "2026-06-12T01:00:00.000Z")
    #expect(utcEvents.allSatisfy { $0["eventTimeZoneOffset"] as? String == "+00:00" })
    let valid = try EPCISFixtures.validate([text, utc])
    #expect(valid.status == 0, "\(valid.output)")
  }
}
