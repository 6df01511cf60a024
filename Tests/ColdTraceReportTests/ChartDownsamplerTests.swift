import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceReport

/// The chart's downsampler keeps every column's extremes in time order and breaks lines only at data gaps.
@Suite struct ChartDownsamplerTests {
  static let minute: Int64 = 60_000

  static func sampler(minutes: Int64, gap: Int64 = 2 * minute) -> ChartDownsampler {
    ChartDownsampler(fromMilliseconds: 0, toMilliseconds: minutes * minute, columns: 420, gapMilliseconds: gap)
  }

  @Test func aOneReadingSpikeInAThirtyDayLotReachesItsPeak() {
    let count = 30 * 1_440
    let times = (0..<Int64(count)).map { $0 * Self.minute }
    var values = (0..<count).map { 3 + 0.5 * sin(Double($0) / 200) }
    values[28_801] = 9.5
    let runs = Self.sampler(minutes: Int64(count)).runs(times: times, values: values)
    #expect(runs.count == 1, "one continuous line, got \(runs.count) runs")
    let points = runs.flatMap { $0 }
    #expect(points.contains(ChartDownsampler.Point(time: times[28_801], value: 9.5)), "the spike was averaged away")
    #expect(points.count <= 2 * 420 + 2, "\(points.count) points for 420 columns")
    #expect(points.map(\.value).min() == values.min(), "the lowest reading is kept too")
  }

  @Test func theSpikeReachesItsPeakInTheRenderedChart() throws {
    let report = ChartFixtures.thirtyDayLot()
    let panel = ReportChart.panel(report, .temperature, top: 20, height: 200)
    let peakY = ReportChart.n(panel.y(ChartFixtures.spike.value))
    let svg = ReportChart.svg(report, ReportFormatter(language: .en, utcOffsetMinutes: 420))
    let temperatureLines = svg.components(separatedBy: "<polyline").dropFirst().prefix(2).joined()
    #expect(
      temperatureLines.contains(",\(peakY) ") || temperatureLines.contains(",\(peakY)\""),
      "no point of the line at the spike's y \(peakY)")
    #expect(svg.utf8.count < 60_000, "the 30-day chart is \(svg.utf8.count) bytes")
  }

  @Test func eachColumnKeepsItsLowAndHighInTheOrderTheyWereRead() {
    // 10 readings in one column: the high (8) comes before the low (1); the line starts and ends here, so its first
    // and last readings are kept too.
    let times = (0..<10).map { Int64($0) * 1_000 }
    let values = [4.0, 8, 4, 4, 1, 4, 4, 4, 4, 4]
    let runs = Self.sampler(minutes: 4_200).runs(times: times, values: values)
    #expect(
      runs == [
        [
          .init(time: 0, value: 4), .init(time: 1_000, value: 8), .init(time: 4_000, value: 1),
          .init(time: 9_000, value: 4),
        ]
      ])
  }

  @Test func aLineBreaksOnlyAtASilenceLongerThanTheGap() {
    // Readings every minute with jitter up to 1.6 minutes, then a 3-minute silence, then one lone reading, then a
    // 5-minute silence and more readings.
    let times: [Int64] = [0, 60, 156, 216, 276, 456, 756, 816, 876].map { $0 * 1_000 }
    let values = times.map { Double($0) / 1_000 }
    let runs = Self.sampler(minutes: 15).runs(times: times, values: values)
    #expect(runs.map(\.count) == [5, 1, 3])
  }

  @Test func readingsWithoutTheMetricAreSkippedNotGaps() {
    let times: [Int64] = [0, 60_000, 120_000]
    let runs = Self.sampler(minutes: 3).runs(times: times, values: [3, .nan, 4])
    #expect(runs == [[.init(time: 0, value: 3), .init(time: 120_000, value: 4)]])
  }
}

/// Alerts on the chart.
@Suite struct ChartAlertMarkTests {
  @Test func anAlertIsMarkedInThePanelOfItsMetricAndNamedOnHover() {
    let svg = ReportChart.svg(ChartFixtures.demoLot(), ReportFormatter(language: .en, utcOffsetMinutes: 420))
    #expect(svg.components(separatedBy: "fill=\"\(ReportChart.alertColour)\"").count - 1 == 3, "bar, triangle, legend")
    #expect(svg.contains("<title>temperature high 2026-06-12 08:33</title>"), "the triangle names the alert")
    #expect(ReportChart.panelMetric(.rhLow) == .humidity && ReportChart.panelMetric(.offline) == .temperature)
  }
}
