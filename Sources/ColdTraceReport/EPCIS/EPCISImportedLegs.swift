import ColdTraceCore

/// The legs imported from standalone loggers (`ImportedLegReport`) as EPCIS events: one `ObjectEvent` `OBSERVE`,
/// `transporting`, `in_transit` per leg at its last reading, without a `readPoint` or `bizLocation` (a truck is no
/// place of the cooperative's), whose `sensorElementList` holds the leg's whole-period figures, then its per-interval
/// summaries and its excursions as alarm conditions, as a stay's `sensor_reporting` event does; `coldtrace:importedLeg`
/// says where the readings come from (leg, logger, file and its SHA-256, who imported it and when).
enum EPCISImportedLegs {
  typealias Event = (inout JSONObjectWriter) -> Void
  private static let decimals = 4

  /// The events of the legs that ended before the lot entered its first room, and of the others.
  static func events(_ context: EPCISEventContext) -> (before: [Event], after: [Event]) {
    let report = context.report
    let firstStay = report.rooms.first?.from ?? report.from
    var before: [Event] = []
    var after: [Event] = []
    for leg in report.legs {
      let event: Event = { json in self.event(&json, leg, context) }
      if leg.leg.to <= firstStay { before.append(event) } else { after.append(event) }
    }
    return (before, after)
  }

  private static func event(
    _ json: inout JSONObjectWriter, _ legReport: ImportedLegReport, _ context: EPCISEventContext
  ) {
    let leg = legReport.leg
    let legContext = EPCISEventContext(
      report: legReport.figures, identifiers: context.identifiers, timeZone: context.timeZone)
    context.header(&json, at: leg.to, action: "OBSERVE")
    json.string("bizStep", "transporting")
    json.string("disposition", "in_transit")
    context.lotQuantity(&json)
    let summaries = Metric.allCases.map(legReport.summary).filter { $0.min != nil }
    var elements: [EPCISSensorElements.Element] = [{ json in whole(&json, leg, summaries, context) }]
    if let stay = legReport.figures.rooms.first {
      elements += EPCISSensorElements.forStay(stay, index: 0, legContext)
    }
    json.objects("sensorElementList", elements) { json, write in write(&json) }
    json.object("coldtrace:importedLeg") { json in
      json.string("leg", leg.name)
      json.string("logger", leg.logger)
      json.string("file", leg.fileName)
      json.string("fileSHA256", leg.fileSHA256)
      json.string("importedBy", leg.importedBy)
      json.string("importedAt", context.time(leg.importedAt))
    }
  }

  /// The leg's figures over its whole period (the JSON report's `imported_legs` figures, same rounding).
  private static func whole(
    _ json: inout JSONObjectWriter, _ leg: ImportedLeg, _ summaries: [MetricSummary], _ context: EPCISEventContext
  ) {
    json.object("sensorMetadata") { json in
      json.string("startTime", context.time(leg.from))
      json.string("endTime", context.time(leg.to))
    }
    json.objects("sensorReport", summaries) { json, summary in
      EPCISSensorElements.measurement(&json, summary.metric)
      json.number("minValue", summary.min, decimals: decimals)
      json.number("maxValue", summary.max, decimals: decimals)
      json.number("meanValue", summary.mean, decimals: decimals)
      json.integer("coldtrace:readings", summary.readings)
      json.number("coldtrace:minutesOutOfRange", summary.minutesOutOfRange, decimals: decimals)
    }
  }
}
