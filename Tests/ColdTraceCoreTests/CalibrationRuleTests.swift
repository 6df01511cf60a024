import ColdTraceCore
import Testing

/// `calibration_due` as a pure rule: the notice window, overdue, and the event that brings an open alert in line.
@Suite("calibration_due rule")
struct CalibrationRuleTests {
  private let due = Timestamp.parseRFC3339("2027-06-30T00:00:00Z")!
  private let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-pulp")
  private var calibration: ProbeCalibration {
    ProbeCalibration(
      certificate: "VN-CAL-118", calibratedAt: due.adding(seconds: -365 * 86_400), due: due, by: "lan")
  }

  private func day(_ days: Double) -> Timestamp { due.adding(seconds: days * 86_400) }

  @Test func theStateFollowsTheNoticeAndTheDueDate() {
    let rule = CalibrationRule()
    #expect(rule.state(of: calibration, now: day(-30.001)) == .valid)
    #expect(rule.state(of: calibration, now: day(-30)) == .due)
    #expect(rule.state(of: calibration, now: day(-0.001)) == .due)
    #expect(rule.state(of: calibration, now: due) == .overdue)
    #expect(CalibrationRule(noticeDays: 60).state(of: calibration, now: day(-45)) == .due)
  }

  @Test func eachStateAndOpenSeverityGivesOneEventOrNone() throws {
    let rule = CalibrationRule()
    func event(_ days: Double, open: Severity?) -> AlertEvent? {
      rule.check(now: day(days), key: key, productID: "-", calibration: calibration, open: open)
    }
    #expect(event(-40, open: nil) == nil)
    let opened = try #require(event(-10, open: nil))
    #expect(opened.type == .opened && opened.severity == .warning && opened.kind == .calibrationDue)
    #expect(opened.limit == 30 && opened.value == 10)
    #expect(opened.message == "cold2-pulp calibration due on 2027-06-30 (certificate VN-CAL-118); recalibrate it")
    #expect(event(-10, open: .warning) == nil, "still due: nothing changes")
    let escalated = try #require(event(2, open: .warning))
    #expect(escalated.type == .escalated && escalated.severity == .critical && escalated.value == -2)
    #expect(event(2, open: .critical) == nil)
    let firstSeenOverdue = try #require(event(2, open: nil))
    #expect(firstSeenOverdue.type == .opened && firstSeenOverdue.severity == .critical)
    let resolved = try #require(event(-40, open: .critical))
    #expect(resolved.type == .resolved && resolved.severity == .critical)
    #expect(resolved.message.contains("calibrated: certificate VN-CAL-118"))
  }
}
