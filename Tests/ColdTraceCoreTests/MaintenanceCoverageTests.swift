import Testing

@testable import ColdTraceCore

/// Maintenance windows that would silence a scope for a whole day (docs/alert-rules.md, "Silences and maintenance
/// windows"): found per scope, with the windows of the scopes that contain it, across zones and weekdays.
@Suite("Maintenance coverage")
struct MaintenanceCoverageTests {
  private func window(
    _ id: String, _ scope: String, _ from: Int, _ to: Int, days: Set<Int> = Set(0..<7), zone: Int = 420
  )
    -> MaintenanceWindow
  {
    MaintenanceWindow(
      id: id, scope: try! SilenceScope.parse(scope), days: days, fromMinute: from * 60, toMinute: to * 60,
      offsetMinutes: zone, reason: "test")
  }

  @Test func aSiteWindowAndARoomWindowTogetherCoverTheRoomNotTheSite() {
    let site = window("maintenance:day", "hongxuan", 6, 18)
    let room = window("maintenance:night", "hongxuan/cold2", 18, 6)
    let violation = MaintenanceCoverage.firstViolation([site, room])
    #expect(violation?.scope.description == "hongxuan/cold2")
    #expect(violation?.windows == ["maintenance:day", "maintenance:night"])
    #expect(violation?.uncoveredMinutes == 0)
    #expect(MaintenanceCoverage.firstViolation([site]) == nil, "12 h a day uncovered")
  }

  @Test func zonesAreComparedInUTC() {
    // 06:00–18:00 at +07:00 is 23:00–11:00 UTC; 11:00–23:00 UTC written at +00:00 fills the rest.
    let local = window("maintenance:a", "hongxuan/cold2", 6, 18)
    let utc = window("maintenance:b", "hongxuan/cold2", 11, 23, zone: 0)
    #expect(MaintenanceCoverage.firstViolation([local, utc])?.uncoveredMinutes == 0)
    let shifted = window("maintenance:b", "hongxuan/cold2", 12, 23, zone: 0)
    #expect(MaintenanceCoverage.firstViolation([local, shifted]) == nil, "an hour a day left")
  }

  @Test func aWindowOnSomeDaysIsJudgedOverEvery24Hours() {
    // 00:00–23:30 on Monday and Tuesday: the 24 h from Monday 00:00 keep 30 min, less than an hour.
    let twoDays = window("maintenance:x", "thanhha", 0, 0, days: [1, 2])
    var almost = twoDays
    almost.toMinute = 23 * 60 + 30
    #expect(MaintenanceCoverage.firstViolation([almost])?.uncoveredMinutes == 30)
    almost.toMinute = 23 * 60
    #expect(MaintenanceCoverage.firstViolation([almost]) == nil)
  }
}
