import ColdTraceCore

extension SourceMapping {
  /// One line for the journal's `config_changed` settings: what decides the probes a source makes and how they are
  /// judged, e.g. `hongxuan tasmota tele/{room}-esp/SENSOR time=payload+07:00 offline=15 rows=2`.
  var summary: String {
    var parts = [site, preset.rawValue, topics.map(\.description).joined(separator: ",")]
    switch time {
    case .receipt: parts.append("time=receipt")
    case .payload(let payload): parts.append("time=payload" + (payload.zone ?? ""))
    }
    if let room = naming.room { parts.append("room=\(room)") }
    if let sensor = naming.sensor { parts.append("sensor=\(sensor)") }
    if let placement = naming.placement { parts.append("placement=\(placement.rawValue)") }
    if let offset = naming.offsetC { parts.append("offset_c=\(JSONText.number(offset))") }
    if let minutes = offlineAfterMinutes { parts.append("offline=\(JSONText.number(minutes))") }
    for pattern in availability {
      parts.append("availability=\(pattern) grace=\(JSONText.number(availabilityGraceMinutes))")
    }
    for row in rows {
      let target = [row.id.map { "id \($0)" }, row.match.map { "match \($0)" }].compactMap { $0 }.joined(separator: " ")
      var mapped = [row.naming.room.map { "room=\($0)" }, row.naming.sensor.map { "sensor=\($0)" }]
      mapped += [row.naming.placement.map { "placement=\($0.rawValue)" }]
      mapped += [row.naming.offsetC.map { "offset_c=\(JSONText.number($0))" }]
      parts.append("[\(target) → \(mapped.compactMap { $0 }.joined(separator: " "))]")
    }
    return parts.joined(separator: " ")
  }
}
