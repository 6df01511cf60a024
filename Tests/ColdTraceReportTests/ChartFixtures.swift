import ColdTraceCore
import ColdTraceReport
import Foundation

/// Lots whose charts must draw as continuous curves: the demo's (150 readings, one every 30 s, a door left open)
/// and a 30-day lot read every minute with a day-long silence and a one-reading spike.
enum ChartFixtures {
  static let start = ReportFixtures.start
  static let minute = ReportFixtures.minute

  /// The demo: the lot is registered 5 minutes before the played 75 minutes; the air climbs from 3.5 °C to 12 °C
  /// while the door is open (minutes 10–40) and falls back; the report ends 5 minutes after the last reading.
  static func demoLot() -> LotReport {
    var series = ProbeSeries(
      site: "hongxuan", room: "cold2", sensor: "cold2-air", placement: .air, fromMilliseconds: start,
      toMilliseconds: start + 85 * minute)
    for index in 0..<150 {
      let minutes = Double(index) / 2
      let warming = minutes < 10 ? 0 : minutes < 40 ? (minutes - 10) / 30 : max(0, 1 - (minutes - 40) / 12)
      let temperature = 3.5 + 0.4 * sin(minutes / 3) + 8.5 * warming
      let humidity = min(100, 90 + 12 * warming)
      series.append(
        milliseconds: start + 5 * minute + Int64(index) * minute / 2, temperature: temperature, humidity: humidity)
    }
    let alert = AlertRecord(
      id: 1, kind: .tempHigh, severity: .critical, state: .resolved, site: "hongxuan", room: "cold2",
      sensor: "cold2-air", lots: ["LT-2026-0612"], product: "litchi", openedAt: ReportFixtures.time(minutes: 33),
      resolvedAt: ReportFixtures.time(minutes: 57), ackedAt: nil, ackedBy: nil, note: nil, limit: 8, peak: 12,
      message: "temperature above 8 °C")
    return LotReportBuilder.build(
      ReportFixtures.input([series], minutes: 85, alerts: [alert]), profile: ReportFixtures.profile())
  }

  /// The day without readings in the 30-day lot: days 12 to 13.
  static let silence = (from: start + 12 * 1_440 * minute, to: start + 13 * 1_440 * minute)
  /// The one reading at 9.5 °C on day 20, among readings of 2.5–4 °C.
  static let spike = (time: start + 20 * 1_440 * minute + 7 * 60 * minute + 13 * minute, value: 9.5)

  /// 43,200 minutes, a reading every minute (a daily swing and four small defrost bumps a day) but during `silence`,
  /// and `spike`.
  static func thirtyDayLot() -> LotReport {
    let minutes = 30 * 1_440
    var series = ProbeSeries(
      site: "hongxuan", room: "cold2", sensor: "p1", placement: .product, fromMilliseconds: start,
      toMilliseconds: start + Int64(minutes) * minute)
    for index in 0..<minutes {
      let time = start + Int64(index) * minute
      if time >= silence.from && time < silence.to { continue }
      let daily = 0.5 * sin(Double(index) / 1_440 * 2 * Double.pi)
      let defrost = index % 360 < 20 ? 0.4 : 0
      let temperature = time == spike.time ? spike.value : 3.2 + daily + defrost
      series.append(milliseconds: time, temperature: temperature, humidity: 91 + daily)
    }
    return LotReportBuilder.build(
      ReportFixtures.input([series], minutes: minutes), profile: ReportFixtures.profile())
  }
}
