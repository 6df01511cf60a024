import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceReport

/// `report --format epcis`: the document validates against GS1's EPCIS 2.0 JSON Schema (Debian python3-jsonschema)
/// and says what the lot went through: received, moved, the sensor summaries, the excursion, the verdict, shipped.
@Suite(.timeLimit(.minutes(10)))
struct EPCISExportTests {
  private let formatter = ReportFormatter(language: .en, utcOffsetMinutes: 420)

  private func document(_ identifiers: TraceIdentifiers = TraceIdentifiers()) -> String {
    ReportFormat.epcis.render(EPCISFixtures.report(), formatter, identifiers: identifiers)
  }

  private var gs1: TraceIdentifiers {
    TraceIdentifiers(
      companyPrefix: "8930001", siteGLNs: ["hongxuan": "8930001000018"], productGTINs: ["litchi": "18930001000022"])
  }

  @Test func documentsValidateAgainstTheOfficialSchemaAndABrokenOneDoesNot() throws {
    let plain = document()
    let withGS1 = document(gs1)
    let ownURIs = document(TraceIdentifiers(uriBase: "https://trace.hongxuan.vn/id"))
    // An open lot whose probe sent nothing: no sensor report, no shipping, still valid.
    var silent = ReportFixtures.input([ReportFixtures.probe("cold2-air", [nil, nil], minutes: 120)], minutes: 120)
    silent.lot.closedAt = nil
    let empty = ReportFormat.epcis.render(
      LotReportBuilder.build(silent, profile: ReportFixtures.profile()), formatter)
    #expect(!empty.contains("\"shipping\"") && !empty.contains("sensor_reporting"))
    let digitalLink = document(TraceIdentifiers(siteGLNs: ["hongxuan": "8930001000018"]))
    let valid = try EPCISFixtures.validate([plain, withGS1, ownURIs, digitalLink, empty])
    #expect(valid.status == 0, "\(valid.output)")
    #expect(valid.output.components(separatedBy: "ok ").count == 6, "\(valid.output)")

    let broken = withGS1.replacingOccurrences(of: "\"action\":\"ADD\"", with: "\"action\":\"MOVE\"")
      .replacingOccurrences(of: "urn:epc:id:sgln:8930001.00001.pre1", with: "not a uri")
    let rejected = try EPCISFixtures.validate([broken])
    #expect(rejected.status == 1, "the validator must reject a broken document: \(rejected.output)")
    #expect(rejected.output.contains("MOVE") && rejected.output.contains("not a uri"), "\(rejected.output)")
  }

  @Test func theEventsFollowTheLotFromReceivingToShipping() throws {
    let (document, events) = try EPCISFixtures.parse(document(gs1))
    #expect(document["type"] as? String == "EPCISDocument" && document["schemaVersion"] as? String == "2.0")
    #expect(
      events.map { $0["bizStep"] as? String } == [
        "receiving", "sensor_reporting", "storing", "sensor_reporting", "inspecting", "shipping",
      ])
    #expect(events.map { $0["action"] as? String } == ["ADD"] + Array(repeating: "OBSERVE", count: 5))
    #expect(events.allSatisfy { $0["eventTimeZoneOffset"] as? String == "+07:00" })
    #expect(events.first?["eventTime"] as? String == "2026-06-12T08:00:00.000+07:00")
    #expect(events[2]["eventTime"] as? String == "2026-06-12T11:00:00.000+07:00")
    #expect(events.last?["eventTime"] as? String == "2026-06-12T14:00:00.000+07:00")
    #expect(events.last?["disposition"] as? String == "in_transit")
    let lotClass = "urn:epc:class:lgtin:8930001.100002.LT-2026-0612"
    for event in events {
      let quantities = event["quantityList"] as? [[String: Any]]
      #expect(quantities?.first?["epcClass"] as? String == lotClass)
    }
    #expect((events[0]["bizLocation"] as? [String: Any])?["id"] as? String == "urn:epc:id:sgln:8930001.00001.pre1")
    let move = events[2]
    #expect(
      (move["sourceList"] as? [[String: Any]])?.first?["source"] as? String == "urn:epc:id:sgln:8930001.00001.pre1")
    #expect(
      (move["destinationList"] as? [[String: Any]])?.first?["destination"] as? String
        == "urn:epc:id:sgln:8930001.00001.cold2")
  }

  @Test func theSensorSummariesAndTheExcursionCarryTheReportsFigures() throws {
    let report = EPCISFixtures.report()
    let (_, events) = try EPCISFixtures.parse(document())
    let first = try #require(events[1]["sensorElementList"] as? [[String: Any]])
    // Three whole local hours in pre1, then the excursion as an alarm condition.
    #expect(first.count == 4)
    let hours = first.prefix(3).map { ($0["sensorMetadata"] as? [String: Any])?["startTime"] as? String }
    #expect(
      hours == ["2026-06-12T08:00:00.000+07:00", "2026-06-12T09:00:00.000+07:00", "2026-06-12T10:00:00.000+07:00"])
    let secondHour = try #require(first[1]["sensorReport"] as? [[String: Any]])
    let temperature = try #require(secondHour.first { $0["type"] as? String == "Temperature" })
    // 09:00–10:00: 3 °C until minute 60 is 09:00 exactly, then 20 minutes at 6.0 and 20 at 6.5, then 3.0 again.
    #expect(temperature["minValue"] as? Double == 3 && temperature["maxValue"] as? Double == 6.5)
    #expect(temperature["meanValue"] as? Double == 5.1667, "(20 × 6.0 + 20 × 6.5 + 20 × 3.0) / 60, 4 decimals")
    #expect(temperature["uom"] as? String == "CEL")
    let humidity = try #require(secondHour.first { $0["type"] as? String == "RelativeHumidity" })
    #expect(humidity["uom"] as? String == "P1" && humidity["meanValue"] as? Double == 92)

    let alarm = try #require((first[3]["sensorReport"] as? [[String: Any]])?.first)
    let excursion = try #require(report.excursions.first)
    #expect(report.excursions.count == 1)
    #expect(alarm["exception"] as? String == "ALARM_CONDITION" && alarm["type"] as? String == "Temperature")
    #expect(alarm["maxValue"] as? Double == excursion.peak && alarm["coldtrace:minutes"] as? Double == 40)
    #expect(
      (first[3]["sensorMetadata"] as? [String: Any])?["startTime"] as? String == "2026-06-12T09:00:00.000+07:00")

    let inspection = events[4]
    #expect(inspection["disposition"] as? String == "conformant")
    #expect(inspection["coldtrace:verdict"] as? String == report.verdict.outcome.rawValue)
    let whole = try #require(
      ((inspection["sensorElementList"] as? [[String: Any]])?.first?["sensorReport"] as? [[String: Any]]))
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(report, formatter).utf8)) as? [String: Any])
    for (type, key) in [("Temperature", "temp_c"), ("RelativeHumidity", "rh_pct")] {
      let figures = try #require(whole.first { $0["type"] as? String == type })
      let expected = try #require(json[key] as? [String: Any])
      for (epcis, field) in [("minValue", "min"), ("maxValue", "max"), ("meanValue", "mean")] {
        #expect(figures[epcis] as? Double == expected[field] as? Double, "\(type) \(epcis)")
      }
    }
    let treatment = try #require(inspection["coldtrace:coldTreatment"] as? [String: Any])
    #expect(treatment["state"] as? String == report.treatment?.state.rawValue && treatment["days"] as? Double == 14)
  }

  @Test func everyIntervalsFiguresAddUpToTheLotsOwn() throws {
    let report = EPCISFixtures.report()
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var readings = 0
    for stay in report.rooms {
      let intervals = IntervalSummaries.compute(
        report, stay: stay, length: IntervalSummaries.hour, zone: .fixed(offsetMinutes: 420))
      #expect(intervals.count == 3)
      for interval in intervals {
        let figures = try #require(interval.figures[.temperature])
        minimum = min(minimum, figures.min)
        maximum = max(maximum, figures.max)
        readings += figures.readings
      }
    }
    #expect(minimum == report.temperature.min && maximum == report.temperature.max)
    #expect(readings == report.temperature.readings)
    let days = IntervalSummaries.compute(
      report, stay: report.rooms[0], length: IntervalSummaries.day, zone: .fixed(offsetMinutes: 420))
    #expect(days.count == 1 && days.first?.start == report.rooms[0].from.milliseconds)
  }

  @Test func placesAndLotsAreNamedByGS1KeysOrTheCooperativesOwnURIs() {
    #expect(gs1.location(site: "hongxuan", room: nil) == "urn:epc:id:sgln:8930001.00001.0")
    #expect(gs1.lotClass(product: "litchi", lot: "LT-1") == "urn:epc:class:lgtin:8930001.100002.LT-1")
    let digitalLink = TraceIdentifiers(
      siteGLNs: ["hongxuan": "8930001000018"], productGTINs: ["litchi": "18930001000022"])
    #expect(digitalLink.location(site: "hongxuan", room: "cold2") == "https://id.gs1.org/414/8930001000018/254/cold2")
    #expect(digitalLink.lotClass(product: "litchi", lot: "LT-1") == "https://id.gs1.org/01/18930001000022/10/LT-1")
    let own = TraceIdentifiers(uriBase: "https://trace.hongxuan.vn/id")
    #expect(own.location(site: "hongxuan", room: "cold2") == "https://trace.hongxuan.vn/id/location/hongxuan/cold2")
    #expect(own.lotClass(product: "litchi", lot: "LT-1") == "https://trace.hongxuan.vn/id/lot/LT-1")
    #expect(TraceIdentifiers().location(site: "hx", room: "cold2") == "urn:coldtrace:location:hx:cold2")
    #expect(gs1.lotClass(product: "longan", lot: "LT-1") == "urn:coldtrace:lot:LT-1", "no GTIN for longan")
    #expect(gs1.lotClass(product: "litchi", lot: String(repeating: "L", count: 21)).hasPrefix("urn:coldtrace:lot:"))
    #expect(GS1Key.gln("8930001000018") == .success("8930001000018"))
    #expect(GS1Key.gln("8930001000019") == .failure(.checkDigit("8930001000019")))
    #expect(GS1Key.gtin("8930001000025") == .success("08930001000025"))
  }
}
