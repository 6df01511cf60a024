import ColdTraceCore

/// The `sensorElementList` of a stay's `sensor_reporting` event: per-interval summaries, then the excursions that
/// began during the stay as alarm conditions.
enum EPCISSensorElements {
  typealias Element = (inout JSONObjectWriter) -> Void
  private static let decimals = 4

  /// `type` and `uom` of `metric`: CBV `Temperature` in degrees Celsius (`CEL`), `RelativeHumidity` in percent (`P1`,
  /// UN/ECE Rec. 20; `A93`, grams per cubic metre, is absolute humidity).
  static func measurement(_ json: inout JSONObjectWriter, _ metric: Metric) {
    json.string("type", metric == .temperature ? "Temperature" : "RelativeHumidity")
    json.string("uom", metric == .temperature ? "CEL" : "P1")
  }

  static func forStay(_ stay: RoomStay, index: Int, _ context: EPCISEventContext) -> [Element] {
    let report = context.report
    let summaries = IntervalSummaries.compute(
      report, stay: stay, length: IntervalSummaries.length(for: report), zone: context.timeZone)
    var elements: [Element] = summaries.map { summary in
      { json in interval(&json, summary, context) }
    }
    let isLast = index == report.rooms.count - 1
    for excursion in report.excursions
    where excursion.start >= stay.from && (excursion.start < stay.to || isLast) {
      elements.append { json in alarm(&json, excursion, context) }
    }
    return elements
  }

  private static func interval(_ json: inout JSONObjectWriter, _ summary: IntervalSummary, _ context: EPCISEventContext)
  {
    json.object("sensorMetadata") { json in
      json.string("startTime", context.time(Timestamp(milliseconds: summary.start)))
      json.string("endTime", context.time(Timestamp(milliseconds: summary.end)))
    }
    let metrics = Metric.allCases.compactMap { metric in summary.figures[metric].map { (metric, $0) } }
    json.objects("sensorReport", metrics) { json, pair in
      let (metric, figures) = pair
      measurement(&json, metric)
      json.number("minValue", figures.min, decimals: decimals)
      json.number("maxValue", figures.max, decimals: decimals)
      json.number("meanValue", figures.mean, decimals: decimals)
      json.integer("coldtrace:readings", figures.readings)
    }
  }

  /// An excursion: `exception` `ALARM_CONDITION` over its span, its peak as `maxValue` (high side) or `minValue`.
  private static func alarm(_ json: inout JSONObjectWriter, _ excursion: Excursion, _ context: EPCISEventContext) {
    json.object("sensorMetadata") { json in
      json.string("startTime", context.time(excursion.start))
      json.string("endTime", context.time(excursion.end))
    }
    let bands = context.report.profile.bands(for: excursion.metric)
    json.objects("sensorReport", [excursion]) { json, excursion in
      measurement(&json, excursion.metric)
      json.string("exception", "ALARM_CONDITION")
      json.number(excursion.direction == .high ? "maxValue" : "minValue", excursion.peak, decimals: decimals)
      json.string("coldtrace:direction", excursion.direction.rawValue)
      json.number("coldtrace:limit", bands.clearingThreshold(excursion.direction), decimals: decimals)
      json.number("coldtrace:minutes", excursion.minutes, decimals: decimals)
      json.bool("coldtrace:pastCritical", excursion.pastCritical)
    }
  }
}
