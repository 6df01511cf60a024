import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceStorage

/// The journal's human field in the site's zone: a store told the sites' zones writes the UTC times of alert messages
/// at each site's offset, in the database and the journal line alike, while `at` and `opened_at` stay UTC.
@Suite struct AlertMessageTimeZoneTests {
  @Test func theMessageShowsLocalTimeAndTheMachineFieldsStayUTC() throws {
    let scratch = try ScratchDatabase()
    let store = try scratch.open()
    store.useTimeZones(
      SiteTimeZones(
        default: .vietnam, sites: ["hub": SiteTimeZone(identifier: "Europe/Berlin", initialOffsetSeconds: 7200)]))
    let at = Timestamp.parseRFC3339("2026-06-12T03:52:00Z")!
    var lines: [String] = []
    for site in ["hongxuan", "hub"] {
      let event = AlertEvent(
        type: .opened, key: SensorKey(site: site, room: "cold2", sensor: "cold2-air"), kind: .offline,
        severity: .critical, productID: "litchi", at: at, limit: 10, value: nil, peak: nil,
        message: "no reading from cold2-air for 12 min (last at 2026-06-12T03:40:00.000Z)")
      let (_, journal) = try store.writeJournaled { tx in try tx.apply(event) }
      lines += journal.map(\.line)
    }
    #expect(lines.count == 2)
    #expect(
      lines[0].contains(#""message":"no reading from cold2-air for 12 min (last at 2026-06-12T10:40:00.000+07:00)""#))
    #expect(lines[1].contains("(last at 2026-06-12T05:40:00.000+02:00)"), "the Berlin site's own zone")
    for line in lines {
      #expect(
        line.contains(#""at":"2026-06-12T03:52:00.000Z""#) && line.contains(#""opened_at":"2026-06-12T03:52:00.000Z""#))
    }
    let stored = try store.alerts(AlertFilter()).map(\.message)
    #expect(stored.first == "no reading from cold2-air for 12 min (last at 2026-06-12T10:40:00.000+07:00)")

    store.useTimeZones(nil)
    let resolved = AlertEvent(
      type: .resolved, key: SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-air"), kind: .offline,
      severity: .critical, productID: "litchi", at: at.adding(seconds: 60), limit: 10, value: nil, peak: nil,
      message: "cold2-air reports again (reading at 2026-06-12T03:53:00.000Z)")
    let (_, journal) = try store.writeJournaled { tx in try tx.apply(resolved) }
    #expect(journal.first?.line.contains("(reading at 2026-06-12T03:53:00.000Z)") == true, "without zones: UTC")
  }
}
