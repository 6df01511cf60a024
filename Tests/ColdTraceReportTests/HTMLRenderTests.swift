import ColdTraceCore
import Foundation
import TestSupport
import Testing

@testable import ColdTraceReport

/// The HTML report in a real headless Chromium (Debian `chromium`): the screenshot must have the window's size and
/// show the chart (the shaded limit band, the excursion marks, the defrost and door bands, many colours), not a blank
/// page.
@Suite(.timeLimit(.minutes(10)))
struct HTMLRenderTests {
  @Test func theReportRendersInHeadlessChromium() throws {
    guard HeadlessChromium.isInstalled else {
      Issue.record("Debian's chromium is not installed at \(HeadlessChromium.path); run scripts/bootstrap.sh")
      return
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-html-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let html = ReportFormat.html.render(
      GoldenReportTests.report(), ReportFormatter(language: .vi, utcOffsetMinutes: 420))
    #expect(!html.contains("http://") || !html.contains("src=\"http"), "no external asset")
    #expect(!html.contains("<script"), "no script")
    let page = directory.appendingPathComponent("report.html")
    try html.write(to: page, atomically: true, encoding: .utf8)
    let screenshot = directory.appendingPathComponent("report.png")
    let chromium = try HeadlessChromium.screenshot(of: page, to: screenshot, in: directory)
    #expect(chromium.status == 0, "chromium exited with \(chromium.status): \(chromium.stderr)")
    let data = try Data(contentsOf: screenshot)
    let image = try PNGImage(Array(data))
    #expect(image.width == 1000 && image.height == 1400)
    var colours = Set<Int>()
    var nonWhite = 0
    var band = 0
    var excursion = 0
    var defrost = 0
    var door = 0
    for y in 0..<image.height {
      for x in 0..<image.width {
        let colour = image.colour(x, y)
        colours.insert(colour)
        if colour != 0xFFFFFF { nonWhite += 1 }
        if colour == 0xE3F4E6 { band += 1 }
        let (r, g, b) = (colour >> 16, colour >> 8 & 0xFF, colour & 0xFF)
        if r > 200 && g < 180 && b < 180 && r - g > 60 { excursion += 1 }
        // The bands at 30 % over the chart's pink or green: blue-grey for a defrost, light orange for a door.
        if b > 200 && g > 200 && b - r > 12 { defrost += 1 }
        if r > 240 && (190...222).contains(g) && (160...205).contains(b) { door += 1 }
      }
    }
    #expect(nonWhite > image.width * image.height / 20, "the page is nearly blank")
    #expect(colours.count > 50, "only \(colours.count) colours: no chart or text drawn")
    #expect(band > 5_000, "the shaded limit band is missing (\(band) pixels)")
    #expect(excursion > 200, "the excursion marks are missing (\(excursion) pixels)")
    #expect(defrost > 5_000, "the defrost bands are missing (\(defrost) pixels)")
    #expect(door > 1_000, "the door bands are missing (\(door) pixels)")
  }
}
