import ColdTraceCore

/// What every event of one EPCIS document shares: the report, how places and the lot are named, the time zone.
struct EPCISEventContext {
  let report: LotReport
  let identifiers: TraceIdentifiers
  /// The site's zone: each event carries the offset it had at the event's time.
  let timeZone: SiteTimeZone

  /// `2026-06-12T08:00:00.000+07:00`: the time at the zone's offset then, as EPCIS `eventTime` values are written.
  func time(_ time: Timestamp) -> String { timeZone.rfc3339(time) }

  /// `+07:00` at `time` (`+00:00` for UTC: `eventTimeZoneOffset` is always an offset).
  func offset(at time: Timestamp) -> String { SiteTimeZone.offsetText(timeZone.offsetSeconds(at: time)) }

  func location(_ stay: RoomStay) -> String { identifiers.location(site: stay.site, room: stay.room) }

  var lotClass: String { identifiers.lotClass(product: report.profile.id, lot: report.lot) }

  /// `type`, `eventTime`, `eventTimeZoneOffset` and `action`.
  func header(_ json: inout JSONObjectWriter, at moment: Timestamp, action: String) {
    json.string("type", "ObjectEvent")
    json.string("eventTime", time(moment))
    json.string("eventTimeZoneOffset", offset(at: moment))
    json.string("action", action)
  }

  /// The lot as the event's object: a class-level identifier without a quantity (the report does not know one).
  func lotQuantity(_ json: inout JSONObjectWriter) {
    json.objects("quantityList", [lotClass]) { $0.string("epcClass", $1) }
  }

  /// `readPoint` and `bizLocation`: the room.
  func place(_ json: inout JSONObjectWriter, _ stay: RoomStay) {
    let room = location(stay)
    json.object("readPoint") { $0.string("id", room) }
    json.object("bizLocation") { $0.string("id", room) }
  }
}
