import ColdTraceCore

/// What every event of one EPCIS document shares: the report, how places and the lot are named, the time zone.
struct EPCISEventContext {
  let report: LotReport
  let identifiers: TraceIdentifiers
  let utcOffsetMinutes: Int

  /// `2026-06-12T08:00:00.000+07:00`: the time at the site's offset, as EPCIS `eventTime` values are written.
  func time(_ time: Timestamp) -> String {
    let local = Timestamp(milliseconds: time.milliseconds + Int64(utcOffsetMinutes) * 60_000).rfc3339
    return local.dropLast() + offset
  }

  /// `+07:00`.
  var offset: String {
    let minutes = abs(utcOffsetMinutes)
    let hours = minutes / 60
    let rest = minutes % 60
    return (utcOffsetMinutes < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "")
      + "\(rest)"
  }

  func location(_ stay: RoomStay) -> String { identifiers.location(site: stay.site, room: stay.room) }

  var lotClass: String { identifiers.lotClass(product: report.profile.id, lot: report.lot) }

  /// `type`, `eventTime`, `eventTimeZoneOffset` and `action`.
  func header(_ json: inout JSONObjectWriter, at moment: Timestamp, action: String) {
    json.string("type", "ObjectEvent")
    json.string("eventTime", time(moment))
    json.string("eventTimeZoneOffset", offset)
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
