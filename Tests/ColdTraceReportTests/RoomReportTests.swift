import ColdTraceCore
import ColdTraceSigning
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceReport

/// The room report over a real SQLite file (`RoomReportFixture`): the daily figures against values computed here
/// from the fixture's own formulas, the excursion, the acknowledged alert, the calibration status, golden files in
/// English and Vietnamese, and a signed room report that verifies.
/// `COLDTRACE_UPDATE_GOLDEN=1 swift test --filter RoomReportTests` rewrites the golden files after a deliberate change.
@Suite(.timeLimit(.minutes(10)))
struct RoomReportTests {
  private static let period = (
    from: RoomReportFixture.dayZero, to: RoomReportFixture.dayZero.adding(seconds: 3 * 86_400)
  )

  private func report(_ store: SQLiteStore, rooms: [String] = ["cold2"], scope: String = "hx/cold2") throws
    -> RoomReport
  {
    let input = try store.roomReportInput(
      site: "hx", rooms: rooms, scope: scope, from: Self.period.from, to: Self.period.to)
    var profiles: [String: ProductProfile] = [:]
    for room in rooms { profiles[room] = BuiltInProfiles.litchi }
    return RoomReportBuilder.build(input, profiles: profiles, dayOffsetMinutes: 420)
  }

  @Test func dailyFiguresMatchTheReadingsCountedHere() throws {
    let report = try report(try RoomReportFixture.make())
    #expect(report.days.count == 2 * 3 * 2, "two probes, three days, two metrics")
    for sensor in ["p1", "p2"] {
      for day in 0..<3 {
        let steps = (day * 48)..<((day + 1) * 48)
        for metric in Metric.allCases {
          // As stored: thousandths of a degree or of a percent.
          let values = steps.map {
            let value =
              metric == .temperature
              ? RoomReportFixture.temperature(sensor, $0) : RoomReportFixture.humidity(sensor, $0)
            return (value * 1000).rounded() / 1000
          }
          let row = try #require(
            report.days.first {
              $0.sensor == sensor && $0.metric == metric
                && $0.day == RoomReportFixture.dayZero.adding(seconds: Double(day) * 86_400)
            })
          #expect(row.room == "cold2")
          #expect(row.readings == 48)
          #expect(row.min == values.min())
          #expect(row.max == values.max())
          #expect(abs(row.mean - values.reduce(0, +) / 48) < 1e-9, "\(sensor) day \(day) \(metric)")
        }
      }
    }
    #expect(report.readings == 2 * 3 * 48, "readings outside the period are left out")
  }

  @Test func theExcursionTheAlertAndTheCalibrationsAreReported() throws {
    let report = try report(try RoomReportFixture.make())
    #expect(report.excursions.count == 1)
    let excursion = try #require(report.excursions.first)
    #expect(excursion.sensor == "p2" && excursion.metric == .temperature && excursion.direction == .high)
    #expect(excursion.start == RoomReportFixture.time(68) && excursion.end == RoomReportFixture.time(74))
    #expect(excursion.minutes == 180 && excursion.peak == 6.5 && excursion.readings == 6 && excursion.limit == 5)

    #expect(report.alerts.count == 1, "cold3's alert is not cold2's")
    let alert = try #require(report.alerts.first)
    #expect(alert.ackedBy == "Lan" && alert.ackedAt == RoomReportFixture.time(70).adding(seconds: 300))
    #expect(alert.state == .resolved && alert.note == "Cửa kho mở khi nhập hàng")

    let status = Dictionary(uniqueKeysWithValues: report.probes.map { ($0.sensor, $0.calibrationStatus) })
    #expect(status == ["p1": .valid, "p2": .noRecord])
    #expect(report.probes.first?.calibration?.certificate == "VMI-2026-0117")
  }

  @Test func aSiteReportCoversEveryRoom() throws {
    let store = try RoomReportFixture.make()
    #expect(try store.rooms(ofSite: "hx") == ["cold2", "cold3"])
    #expect(try store.rooms(ofSite: "nowhere").isEmpty)
    let site = try report(store, rooms: ["cold2", "cold3"], scope: "hx")
    #expect(Set(site.probes.map(\.sensor)) == ["p1", "p2", "a3"])
    #expect(site.alerts.count == 2)
    #expect(site.readings == 3 * 3 * 48)
  }

  @Test(arguments: [ReportFormat.text, .csv], Language.allCases)
  func matchesTheGoldenFile(format: ReportFormat, language: Language) throws {
    let rendered = format.render(
      try report(try RoomReportFixture.make()), ReportFormatter(language: language, utcOffsetMinutes: 420))
    let name = "room-\(language.rawValue).\(format == .csv ? "csv" : "txt")"
    let file = GoldenReportTests.golden.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["COLDTRACE_UPDATE_GOLDEN"] == "1" {
      try rendered.write(to: file, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    #expect(rendered == expected, "differs from \(name); rerun with COLDTRACE_UPDATE_GOLDEN=1 if meant")
  }

  @Test func everyStringHasAVietnameseTranslation() {
    for key in RoomReportStrings.Key.allCases {
      let (english, vietnamese) = RoomReportStrings.pair(key)
      #expect(!english.isEmpty && !vietnamese.isEmpty && english != vietnamese, "\(key)")
    }
  }

  @Test func jsonAndHTMLCarryTheSameFigures() throws {
    let report = try report(try RoomReportFixture.make())
    let json = ReportFormat.json.render(report, ReportFormatter(language: .en, utcOffsetMinutes: 420))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let daily = try #require(object["daily"] as? [[String: Any]])
    #expect(daily.count == 12)
    #expect(daily.first?["day"] as? String == "2026-06-10" && daily.first?["readings"] as? Int == 48)
    #expect(object["day_utc_offset"] as? String == "+07:00")
    let probes = try #require(object["probes"] as? [[String: Any]])
    #expect(probes.map { $0["calibration_status"] as? String } == ["valid", "none"])
    let html = ReportFormat.html.render(report, ReportFormatter(language: .vi, utcOffsetMinutes: 420))
    #expect(html.contains("Số liệu hằng ngày theo đầu dò") && html.contains("CHƯA CÓ HỒ SƠ HIỆU CHUẨN"))
    #expect(html.contains("10/06/2026") && html.contains("Lan (11/06/2026 11:05)"))
    #expect(html.contains("UTC+07:00"))
  }

  @Test(arguments: [ReportFormat.text, .json, .csv, .html])
  func aSignedRoomReportVerifies(format: ReportFormat) throws {
    let report = try report(try RoomReportFixture.make())
    let key = try Ed25519PrivateKey.generate()
    let text = format.render(report, ReportFormatter(language: .vi, utcOffsetMinutes: 420))
    let signed = try SignedReport.sign(text, format: format, seal: report.seal, key: key)
    let check = SignedReport.verify(Array(signed.utf8), key: try key.publicKey())
    guard case .valid(_, let seal, _) = check else {
      Issue.record("\(format): \(check)")
      return
    }
    #expect(seal.lot == "room:hx/cold2" && seal.sha256 == report.seal.sha256)
    var changed = Array(signed.utf8)
    changed[changed.count / 2] ^= 0x01
    #expect(SignedReport.verify(changed, key: try key.publicKey()) != check)
  }
}
