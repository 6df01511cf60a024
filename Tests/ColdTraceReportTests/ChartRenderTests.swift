import ColdTraceCore
import Foundation
import TestSupport
import Testing

@testable import ColdTraceReport

/// The chart's curve in a real headless Chromium (Debian `chromium`): along the temperature panel, every pixel column
/// between the first and the last reading holds a pixel of the probe's colour (blue), except across the data gap,
/// where none does. Dashes, dots or a handful of marks fail it.
@Suite(.timeLimit(.minutes(10)))
struct ChartRenderTests {
  @Test func theDemoLotDrawsAContinuousCurve() throws {
    let report = ChartFixtures.demoLot()
    guard let image = try Self.screenshot(report) else { return }
    let first = report.series[0].times.first!
    let last = report.series[0].times.last!
    try Self.expectCurve(image, report, from: first, to: last, silence: nil)
  }

  @Test func aThirtyDayLotDrawsAContinuousCurveBrokenOnlyAtItsGap() throws {
    let report = ChartFixtures.thirtyDayLot()
    #expect(report.gaps.count == 1, "the fixture has one data gap")
    guard let image = try Self.screenshot(report) else { return }
    try Self.expectCurve(
      image, report, from: report.series[0].times.first!, to: report.series[0].times.last!,
      silence: ChartFixtures.silence)
  }

  /// Whether a pixel belongs to the first probe's line (#1f5fa8), over any of the chart's backgrounds.
  static func isSeries(_ colour: Int) -> Bool {
    let (r, g, b) = (colour >> 16, colour >> 8 & 0xFF, colour & 0xFF)
    return b > r + 60 && b > g + 30
  }

  static func expectCurve(
    _ image: PNGImage, _ report: LotReport, from: Int64, to: Int64, silence: (from: Int64, to: Int64)?
  ) throws {
    // The plot's left and right edges: the shaded limit band spans the panel's full width.
    var left = image.width
    var right = -1
    for y in 0..<image.height {
      for x in 0..<image.width where image.colour(x, y) == 0xE3F4E6 {
        left = min(left, x)
        right = max(right, x)
      }
    }
    try #require(right - left > 500, "the limit band was not found")
    let scale = Double(right - left + 1) / (ReportChart.right - ReportChart.left)
    // The temperature panel's rows: the tallest run of rows whose first inner column is inside a panel (anything but
    // the page's white and the panels' dark grey frame).
    var rows: ClosedRange<Int>?
    var runStart: Int?
    for y in 0...image.height {
      let colour = y < image.height ? image.colour(left + 2, y) : 0xFFFFFF
      let (r, g, b) = (colour >> 16, colour >> 8 & 0xFF, colour & 0xFF)
      let frame = abs(r - g) < 8 && abs(g - b) < 8 && r < 160
      let background = colour != 0xFFFFFF && !frame
      if background, runStart == nil { runStart = y }
      if !background, let start = runStart {
        let taller = rows.map { y - 1 - start > $0.count } ?? true
        if start < y - 1 && taller { rows = start...(y - 1) }
        runStart = nil
      }
    }
    let panelRows = try #require(rows, "the temperature panel was not found")
    let start = Double(report.from.milliseconds)
    let span = Double(report.to.milliseconds) - start
    let width = Double(right - left + 1)
    func pixel(_ ms: Int64) -> Int {
      let fraction: Double = (Double(ms) - start) / span
      return left + Int(fraction * width)
    }
    var missing: [Int] = []
    var inGap: [Int] = []
    // Columns within 2 pixels of the gap's edges are not judged (anti-aliasing, rounding).
    let gapEdges = silence.map { [pixel($0.from), pixel($0.to)] } ?? []
    for x in (pixel(from) + 2)...(pixel(to) - 2) where !gapEdges.contains(where: { abs($0 - x) <= 2 }) {
      let drawn = panelRows.contains { isSeries(image.colour(x, $0)) }
      if let silence, x > pixel(silence.from) && x < pixel(silence.to) {
        if drawn { inGap.append(x) }
      } else if !drawn {
        missing.append(x)
      }
    }
    let checked = pixel(to) - pixel(from) - 3
    #expect(checked > 600, "only \(checked) columns checked (scale \(scale))")
    #expect(missing.isEmpty, "no line in \(missing.count) of \(checked) columns, first at x = \(missing.prefix(10))")
    #expect(inGap.isEmpty, "a line drawn across the data gap at x = \(inGap.prefix(10))")
  }

  /// The report's HTML in headless Chromium, decoded; nil (with an issue recorded) without Chromium.
  static func screenshot(_ report: LotReport) throws -> PNGImage? {
    guard HeadlessChromium.isInstalled else {
      Issue.record("Debian's chromium is not installed at \(HeadlessChromium.path); run scripts/bootstrap.sh")
      return nil
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-chart-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let page = directory.appendingPathComponent("report.html")
    try ReportFormat.html.render(report, ReportFormatter(language: .en, utcOffsetMinutes: 420))
      .write(to: page, atomically: true, encoding: .utf8)
    let screenshot = directory.appendingPathComponent("report.png")
    let chromium = try HeadlessChromium.screenshot(of: page, to: screenshot, in: directory)
    #expect(chromium.status == 0, "chromium exited with \(chromium.status): \(chromium.stderr)")
    if let keep = ProcessInfo.processInfo.environment["COLDTRACE_KEEP_CHART_PNG"] {
      try? FileManager.default.copyItem(at: screenshot, to: URL(fileURLWithPath: keep + "-\(report.readings).png"))
    }
    return try PNGImage(Array(Data(contentsOf: screenshot)))
  }
}
