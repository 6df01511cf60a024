import ColdTraceCore

/// The lot's life as a GS1 EPCIS 2.0 JSON-LD document (`EPCISDocument`), one line, for the importer's traceability
/// system. Events, oldest first (docs/epcis.md says what each carries):
///
/// - `ObjectEvent` `ADD`, `receiving`: the lot entered its first room (`readPoint` and `bizLocation`: the room).
/// - `ObjectEvent` `OBSERVE`, `storing` (same site) or `receiving` (another site): each move, with the rooms as
///   `sourceList` and `destinationList` locations.
/// - `ObjectEvent` `OBSERVE`, `sensor_reporting`, at the end of each stay: one `sensorElement` per hour (reports of up
///   to three days) or per local day, with `Temperature` (`CEL`) and `RelativeHumidity` (`P1`, percent) `minValue`,
///   `maxValue` and `meanValue`, and one per excursion with `exception` `ALARM_CONDITION` and its peak.
/// - `ObjectEvent` `OBSERVE`, `inspecting`, at the end of the period: the lot's whole-period figures (the JSON report's
///   `temp_c` and `rh_pct`, same rounding), the verdict as `disposition` (`conformant` or `non_conformant`) and
///   `coldtrace:` fields, the cold treatment where the product has one.
/// - `ObjectEvent` `OBSERVE`, `shipping`, `in_transit`: the lot was closed.
/// - `ObjectEvent` `OBSERVE`, `transporting`, `in_transit`: a leg imported from a standalone logger's file
///   (`EPCISImportedLegs`), first when it ended before the lot entered its first room, else last.
///
/// The lot is a class of objects (`quantityList`'s `epcClass`): its LGTIN where the product has a GTIN, else a URI of
/// the cooperative's own (`TraceIdentifiers`). Times carry the site zone's offset at each event
/// (`eventTimeZoneOffset`). The document depends only on the report: `creationDate` is the end of the report's period,
/// so exporting a closed lot again gives the same bytes.
enum EPCISDocumentRenderer {
  /// The JSON-LD prefix of ColdTrace's own fields (EPCIS 2.0 extensions are namespaced terms).
  static let namespace = "urn:coldtrace:epcis:"
  private static let decimals = 4

  static func render(_ report: LotReport, identifiers: TraceIdentifiers, timeZone: SiteTimeZone) -> String {
    let context = EPCISEventContext(report: report, identifiers: identifiers, timeZone: timeZone)
    return JSONObjectWriter.object(capacity: 8192) { json in
      json.raw(
        "@context",
        "[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\",{\"coldtrace\":\(JSONText.quoted(namespace))}]"
      )
      json.string("type", "EPCISDocument")
      json.string("schemaVersion", "2.0")
      json.string("creationDate", context.time(report.to))
      json.object("epcisBody") { body in
        body.objects("eventList", events(context)) { event, write in write(&event) }
      }
      json.string("coldtrace:integrity", report.seal.token)
    } + "\n"
  }

  private typealias Event = (inout JSONObjectWriter) -> Void

  private static func events(_ context: EPCISEventContext) -> [Event] {
    let report = context.report
    let legs = EPCISImportedLegs.events(context)
    var events: [Event] = legs.before
    for (index, stay) in report.rooms.enumerated() {
      let previous = index > 0 ? report.rooms[index - 1] : nil
      events.append { json in
        context.header(&json, at: stay.from, action: previous == nil ? "ADD" : "OBSERVE")
        json.string("bizStep", previous.map { $0.site == stay.site ? "storing" : "receiving" } ?? "receiving")
        json.string("disposition", "in_progress")
        context.lotQuantity(&json)
        context.place(&json, stay)
        if let previous {
          json.objects("sourceList", [previous]) { json, room in
            json.string("type", "location")
            json.string("source", context.location(room))
          }
          json.objects("destinationList", [stay]) { json, room in
            json.string("type", "location")
            json.string("destination", context.location(room))
          }
        }
      }
      let elements = EPCISSensorElements.forStay(stay, index: index, context)
      if !elements.isEmpty {
        events.append { json in
          context.header(&json, at: stay.to, action: "OBSERVE")
          json.string("bizStep", "sensor_reporting")
          context.lotQuantity(&json)
          context.place(&json, stay)
          json.objects("sensorElementList", elements) { json, write in write(&json) }
          json.strings("coldtrace:judgingProbes", stay.judgement.judging.map(\.name))
        }
      }
    }
    guard let last = report.rooms.last else { return events + legs.after }
    events.append { json in inspection(&json, last, context) }
    if !report.isOpen {
      events.append { json in
        context.header(&json, at: report.to, action: "OBSERVE")
        json.string("bizStep", "shipping")
        json.string("disposition", "in_transit")
        context.lotQuantity(&json)
        json.object("readPoint") { $0.string("id", context.location(last)) }
      }
    }
    return events + legs.after
  }

  /// The `inspecting` event: the lot's whole-period figures and verdict.
  private static func inspection(_ json: inout JSONObjectWriter, _ last: RoomStay, _ context: EPCISEventContext) {
    let report = context.report
    context.header(&json, at: report.to, action: "OBSERVE")
    json.string("bizStep", "inspecting")
    json.string("disposition", report.verdict.outcome == .failed ? "non_conformant" : "conformant")
    context.lotQuantity(&json)
    context.place(&json, last)
    let summaries = Metric.allCases.map(report.summary).filter { $0.min != nil }
    // No judging reading at all (a verdict of `no_readings`): no sensor element, which must report something.
    json.objects("sensorElementList", summaries.isEmpty ? [] : [report]) { json, report in
      json.object("sensorMetadata") { json in
        json.string("startTime", context.time(report.from))
        json.string("endTime", context.time(report.to))
      }
      json.objects("sensorReport", summaries) { json, summary in
        EPCISSensorElements.measurement(&json, summary.metric)
        json.number("minValue", summary.min, decimals: decimals)
        json.number("maxValue", summary.max, decimals: decimals)
        json.number("meanValue", summary.mean, decimals: decimals)
        if let kinetic = summary.meanKinetic {
          json.number("coldtrace:meanKineticTemperature", kinetic, decimals: decimals)
        }
        json.integer("coldtrace:readings", summary.readings)
        json.number("coldtrace:inRangePercent", summary.inRangePercent, decimals: decimals)
        json.number("coldtrace:minutesOutOfRange", summary.minutesOutOfRange, decimals: decimals)
      }
    }
    json.string("coldtrace:product", report.profile.id)
    if let market = report.market { json.string("coldtrace:market", market) }
    json.string("coldtrace:verdict", report.verdict.outcome.rawValue)
    json.string("coldtrace:verdictRule", report.verdict.rule.code)
    if let treatment = report.treatment {
      json.object("coldtrace:coldTreatment") { json in
        json.number("maxTempC", treatment.requirement.maxTempC, decimals: decimals)
        json.number("days", treatment.requirement.days, decimals: decimals)
        json.string("state", treatment.state.rawValue)
        json.string("clockStart", treatment.clockStart.map(context.time))
        json.string("completedAt", treatment.completedAt.map(context.time))
        json.number("elapsedDays", treatment.elapsedDays, decimals: decimals)
        json.integer("restarts", treatment.restarts)
      }
    }
  }
}
