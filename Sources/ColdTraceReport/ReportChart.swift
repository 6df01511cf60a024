import ColdTraceCore

/// The report's SVG chart: temperature (top panel) and humidity (bottom panel) over the lot's life, one continuous
/// line per probe, broken only at the probe's data gaps (per pixel column its lowest and highest reading in time
/// order, so a month of minute readings stays a few tens of kilobytes and no excursion is averaged away:
/// `ChartDownsampler`; thinner and paler for a probe that judges the lot in no stay), the warning band shaded,
/// defrosts and door openings as blue and orange bands, excursions in red, alerts as dark marks, data gaps as grey
/// bars under the panels. The value axis fits the probes that can judge the product (air, product, simulant); an
/// evaporator or ambient probe's line is clipped to it.
enum ReportChart {
  static let width = 960.0
  static let left = 56.0
  static let right = 900.0
  static let columns = 420
  static let colours = ["#1f5fa8", "#2a9d55", "#b8860b", "#7b3fa0", "#c0392b", "#148f9c"]
  /// The fill of each signal's band.
  static let spanColours: [RoomSignal: String] = [.defrost: "#6baed6", .door: "#fd8d3c"]

  struct Panel {
    let metric: Metric
    let top: Double
    let height: Double
    let low: Double
    let high: Double

    func y(_ value: Double) -> Double { top + height - (value - low) / (high - low) * height }
  }

  /// `labels` names a probe in the legend instead of `site/sensor (placement)`, by its `site/sensor` (an imported
  /// leg's logger).
  static func svg(_ report: LotReport, _ format: ReportFormatter, labels: [String: String] = [:]) -> String {
    let start = Double(report.from.milliseconds)
    let span = max(1, Double(report.to.milliseconds) - start)
    func x(_ ms: Int64) -> Double { left + (Double(ms) - start) / span * (right - left) }
    let panels = [
      panel(report, .temperature, top: 20, height: 200), panel(report, .humidity, top: 250, height: 120),
    ]
    let s = format.strings
    let (legend, rows) = legend(report, s, labels: labels)
    let height = 440 + Double(rows - 1) * legendRow
    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" "
    out += "aria-label=\"\(HTML.escape(s(.chartTitle)))\" font-family=\"sans-serif\" font-size=\"11\">"
    out += "<rect width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>"
    for panel in panels {
      let summary = report.summary(panel.metric)
      let bandTop = panel.y(min(summary.high ?? panel.high, panel.high))
      let bandBottom = panel.y(max(summary.low ?? panel.low, panel.low))
      out += rect(left, panel.top, right - left, panel.height, fill: "#fbeaea")
      out += rect(left, bandTop, right - left, bandBottom - bandTop, fill: "#e3f4e6")
      for one in report.spans {
        let from = x(max(one.span.start.milliseconds, report.from.milliseconds))
        out += rect(
          from, panel.top, max(1.5, x(one.end.milliseconds) - from), panel.height,
          fill: spanColours[one.span.signal] ?? "#999999", opacity: 0.3)
      }
      for excursion in report.excursions where excursion.metric == panel.metric {
        let from = x(excursion.start.milliseconds)
        out += rect(
          from, panel.top, max(1.5, x(excursion.end.milliseconds) - from), panel.height, fill: "#d62728",
          opacity: 0.35)
      }
      for tick in ticks(panel.low, panel.high) {
        let y = panel.y(tick)
        out += "<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(y))\" y2=\"\(n(y))\" stroke=\"#cccccc\" "
        out += "stroke-width=\"0.5\"/>"
        out +=
          "<text x=\"\(n(left - 4))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(format.number(tick, places: 0))</text>"
      }
      out += "<text x=\"\(n(left))\" y=\"\(n(panel.top - 6))\" font-weight=\"bold\">"
      out += "\(HTML.escape(s.metric(panel.metric))) (\(panel.metric.unit))</text>"
      out += alertMarks(report, panel, x: x, format)
      for series in report.series {
        let index = report.probes.firstIndex { $0.name == "\(series.site)/\(series.sensor)" } ?? 0
        out += lines(
          series, panel, colour: colours[index % colours.count], judges: report.probes[index].judges,
          gapMilliseconds: gapMilliseconds(report, series), report: report, x: x)
      }
      out += "<rect x=\"\(n(left))\" y=\"\(n(panel.top))\" width=\"\(n(right - left))\" height=\"\(n(panel.height))\" "
      out += "fill=\"none\" stroke=\"#555555\"/>"
    }
    for gap in report.gaps {
      let from = x(gap.from.milliseconds)
      out += rect(from, 380, max(1.5, x(gap.to.milliseconds) - from), 8, fill: "#7f7f7f")
    }
    let dayTicks = 6
    for index in 0...dayTicks {
      let ms = Int64(start + span * Double(index) / Double(dayTicks))
      out += "<text x=\"\(n(x(ms)))\" y=\"402\" text-anchor=\"middle\">"
      out += "\(HTML.escape(format.time(Timestamp(milliseconds: ms))))</text>"
    }
    out += legend
    return out + "</svg>"
  }

  /// The height of one line of the legend.
  static let legendRow = 16.0

  /// The legend's SVG, wrapped onto as many lines as its items need, and that number of lines.
  private static func legend(_ report: LotReport, _ s: ReportStrings, labels: [String: String]) -> (String, Int) {
    var out = ""
    var x = left
    var rows = 1
    let signals = RoomSignal.allCases.filter { signal in report.spans.contains { $0.span.signal == signal } }
    let items: [(String, String)] =
      [("#e3f4e6", s(.limitBand)), ("#d62728", s(.excursion)), ("#7f7f7f", s(.dataGap))]
      + (report.alerts.isEmpty ? [] : [(alertColour, s(.alerts))])
      + signals.map { (spanColours[$0] ?? "#999999", s.signal($0)) }
      + report.probes.enumerated().map {
        let probe = $0.element
        return (
          colours[$0.offset % colours.count], labels[probe.name] ?? "\(probe.name) (\(s.placement(probe.placement)))"
        )
      }
    for (colour, label) in items {
      let itemWidth = 24 + Double(label.count) * 6.2
      if x > left && x + itemWidth > width {
        x = left
        rows += 1
      }
      let y = 418 + Double(rows - 1) * legendRow
      out += rect(x, y, 12, 10, fill: colour)
      out += "<text x=\"\(n(x + 16))\" y=\"\(n(y + 9))\">\(HTML.escape(label))</text>"
      x += itemWidth
    }
    return (out, rows)
  }

  static func panel(_ report: LotReport, _ metric: Metric, top: Double, height: Double) -> Panel {
    let summary = report.summary(metric)
    var values = [summary.min, summary.max, summary.low, summary.high].compactMap { $0 }
    var lowest = Double.infinity
    var highest = -Double.infinity
    for series in report.series where series.placement.judgesProduct {
      for value in series.values(metric) where !value.isNaN {
        lowest = min(lowest, value)
        highest = max(highest, value)
      }
    }
    if lowest <= highest { values += [lowest, highest] }
    var low = (values.min() ?? 0) - (metric == .temperature ? 1 : 5)
    var high = (values.max() ?? 10) + (metric == .temperature ? 1 : 5)
    if metric == .humidity {
      low = max(0, low)
      high = min(100, high)
    }
    if high - low < 1 { high = low + 1 }
    return Panel(metric: metric, top: top, height: height, low: low.rounded(.down), high: high.rounded(.up))
  }

  /// The probe's line in `panel`: per pixel column its lowest and highest reading in time order
  /// (`ChartDownsampler`), continuous but for the probe's data gaps (a silence longer than its hold cap, twice its
  /// usual interval: the same rule as the report's data-gap table and the grey bars). A probe that judges the lot in
  /// no stay is drawn thinner and paler, never dashed (a dash would read as missing data). A reading alone between two
  /// gaps is a dot.
  static func lines(
    _ series: ProbeSeries, _ panel: Panel, colour: String, judges: Bool, gapMilliseconds: Int64,
    report: LotReport, x: (Int64) -> Double
  ) -> String {
    let sampler = ChartDownsampler(
      fromMilliseconds: report.from.milliseconds, toMilliseconds: report.to.milliseconds, columns: columns,
      gapMilliseconds: gapMilliseconds)
    let stroke = judges ? "stroke-width=\"1.5\"" : "stroke-width=\"1\" stroke-opacity=\"0.6\""
    var out = ""
    for run in sampler.runs(times: series.times, values: series.values(panel.metric)) {
      let points = run.map { "\(n(x($0.time))),\(n(panel.y(min(max($0.value, panel.low), panel.high))))" }
      if points.count == 1, let only = run.first {
        out += "<circle cx=\"\(n(x(only.time)))\" cy=\"\(n(panel.y(min(max(only.value, panel.low), panel.high))))\" "
        out += "r=\"1.5\" fill=\"\(colour)\"/>"
      } else {
        out += "<polyline fill=\"none\" stroke=\"\(colour)\" \(stroke) stroke-linejoin=\"round\" "
        out += "points=\"\(points.joined(separator: " "))\"/>"
      }
    }
    return out
  }

  private static func ticks(_ low: Double, _ high: Double) -> [Double] {
    let range = high - low
    let step = [1.0, 2, 5, 10, 20, 25, 50].first { range / $0 <= 6 } ?? 100
    var tick = (low / step).rounded(.up) * step
    var found: [Double] = []
    while tick <= high {
      found.append(tick)
      tick += step
    }
    return found
  }

  private static func rect(
    _ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, opacity: Double = 1
  ) -> String {
    "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(0, width)))\" height=\"\(n(max(0, height)))\" fill=\"\(fill)\""
      + (opacity < 1 ? " fill-opacity=\"\(n(opacity))\"/>" : "/>")
  }

  /// A coordinate with one decimal.
  static func n(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
  }
}

/// HTML text escaping.
enum HTML {
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }
}
