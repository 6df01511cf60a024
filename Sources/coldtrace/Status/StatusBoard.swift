import ColdTraceCore
import ColdTraceStorage

/// `coldtrace status` as rows: each probe with what an operator needs to judge it at a glance.
struct StatusBoard {
  struct Row {
    var status: SensorStatus
    var placement: Placement
    var lots: [LotPresence]
    /// The room's open lot alerts (budget, treatment), shown under its heading.
    var lotAlerts: [AlertRecord]
    var ageSeconds: Double?
    var trend: TemperatureTrend?
    var stale: Bool
    /// Where the probe stands with its calibration at `now` (`nil`: none on record).
    var calibration: CalibrationState?
    /// The room's defrosts and door openings going on now (docs/alert-rules.md, "Defrost and doors").
    var roomSpans: [RoomSpan] = []
  }

  let rows: [Row]

  init(
    status: FacilityStatus, now: Timestamp, staleAfterSeconds: Double, placements: [ProbeKey: Placement] = [:],
    roomSpans: [String: [RoomSpan]] = [:]
  ) {
    rows = status.sensors.map { sensor in
      let age = sensor.latest.map { now.seconds(since: $0.ts) }
      return Row(
        status: sensor, placement: placements[ProbeKey(site: sensor.key.site, sensor: sensor.key.sensor)] ?? .air,
        lots: status.lots(site: sensor.key.site, room: sensor.key.room),
        lotAlerts: status.lotAlerts(site: sensor.key.site, room: sensor.key.room), ageSeconds: age,
        trend: TemperatureTrend(sensor.recentTemperatures),
        stale: (age ?? .infinity) > staleAfterSeconds || sensor.openAlerts.contains { $0.kind == .offline },
        calibration: sensor.calibration.map { CalibrationRule().state(of: $0, now: now) },
        roomSpans: roomSpans["\(sensor.key.site)/\(sensor.key.room)"] ?? [])
    }
  }

  /// Rooms as headed blocks, probes as aligned rows below, in `text`'s language; colour only if `terminal` has it.
  func render(_ text: StatusText, terminal: Terminal, staleAfterMinutes: Double) -> String {
    let language = text.language
    let cells: [[String]] = rows.map { row in
      let latest = row.status.latest
      var alerts = row.status.openAlerts.map(text.alert)
      if let calibration = row.status.calibration, let state = row.calibration, state != .valid {
        alerts.append(text.calibration(state, due: calibration.due))
      }
      // An input shows its signal where a probe shows its values.
      let signal = latest.flatMap(text.signal)
      return [
        row.status.key.sensor,
        signal == nil ? row.placement.rawValue : text.input,
        signal ?? (latest?.error != nil ? text.fault : latest?.tempC.map { language.decimal($0, places: 1) } ?? "-"),
        signal != nil ? "" : latest?.rhPct.map { language.decimal($0, places: 1) } ?? "-",
        signal != nil ? "" : row.trend.map { "\($0.arrow) \(signed($0.degreesPerHour, language))" } ?? "-",
        (row.ageSeconds.map(text.age) ?? "-") + (row.stale ? " " + text.stale : ""),
        language.integer(row.status.readingsLastDay),
        alerts.isEmpty ? text.ok : alerts.joined(separator: ", "),
      ]
    }
    let headers = text.headers
    let widths = headers.indices.map { column in ([headers] + cells).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String], colours: [Terminal.Colour?]) -> String {
      "  "
        + cells.enumerated().map { index, cell in
          let padded =
            index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
          return terminal.paint(padded, colours[index])
        }.joined(separator: "  ")
    }
    var lines = [line(headers, colours: Array(repeating: .bold, count: headers.count))]
    var room: String?
    for (row, cells) in zip(rows, cells) {
      let key = row.status.key
      if room != "\(key.site)/\(key.room)" {
        room = "\(key.site)/\(key.room)"
        let heading = text.roomHeading(site: key.site, room: key.room, lots: row.lots)
        lines.append(terminal.paint(heading + row.roomSpans.map { text.roomSpan($0, site: key.site) }.joined(), .bold))
        for alert in row.lotAlerts {
          let colour: Terminal.Colour = alert.severity == .critical ? .red : .yellow
          lines.append(terminal.paint("  ! " + text.lotAlert(alert), colour))
        }
      }
      lines.append(line(cells, colours: colours(for: row)))
    }
    if rows.contains(where: \.stale) { lines.append(text.footer(staleAfterMinutes: staleAfterMinutes)) }
    return lines.joined(separator: "\n")
  }

  /// Stale probes and faults in red, alerts by severity, a healthy probe's alert cell in green.
  private func colours(for row: Row) -> [Terminal.Colour?] {
    let alertColour: Terminal.Colour =
      row.status.openAlerts.contains { $0.severity == .critical }
      ? .red : row.status.openAlerts.isEmpty ? .green : .yellow
    let valueColour: Terminal.Colour? = row.stale ? .dim : row.status.latest?.error != nil ? .red : nil
    return [nil, nil, valueColour, valueColour, nil, row.stale ? .red : nil, nil, alertColour]
  }

  private func signed(_ value: Double, _ language: Language) -> String {
    let text = language.decimal(value, places: 1)
    return text.hasPrefix("−") || text == language.decimal(0, places: 1) ? text : "+" + text
  }
}

extension StatusBoard.Row {
  /// The probe as one JSON object: machine fields only, never translated.
  func json() -> String {
    let latest = status.latest
    return JSONObjectWriter.object { json in
      json.string("site", status.key.site)
      json.string("room", status.key.room)
      json.string("sensor", status.key.sensor)
      json.string("agent", status.agent)
      // No seq: a third-party source's reading, which no acknowledgement covers (gaps look like silence).
      json.string("transport", latest.map { $0.seq == nil ? "unacknowledged" : "acknowledged" })
      json.string("placement", placement.rawValue)
      if let defrost = latest?.defrost { json.bool("defrost", defrost) }
      if let doorOpen = latest?.doorOpen { json.bool("door_open", doorOpen) }
      json.bool("room_defrosting", roomSpans.contains { $0.signal == .defrost })
      json.bool("room_door_open", roomSpans.contains { $0.signal == .door })
      json.string("ts", latest?.ts.rfc3339)
      json.number("age_s", ageSeconds, decimals: 0)
      json.bool("stale", stale)
      json.number("temp_c", latest?.tempC)
      json.number("rh_pct", latest?.rhPct)
      json.string("error", latest?.error)
      json.number("trend_c_per_h", trend?.degreesPerHour, decimals: 2)
      json.integer("readings_24h", status.readingsLastDay)
      json.objects("lots", lots) { json, lot in
        json.string("lot", lot.lot)
        json.string("product", lot.product)
        json.string("market", lot.market)
      }
      json.objects("open_alerts", status.openAlerts) { AlertMessage(alert: $1).write(to: &$0) }
      json.object("calibration", status.calibration) { json, calibration in
        json.string("certificate", calibration.certificate)
        json.string("calibrated_at", calibration.calibratedAt.rfc3339)
        json.string("due", calibration.due.rfc3339)
        json.string("state", self.calibration?.rawValue)
      }
      json.objects("room_lot_alerts", lotAlerts) { AlertMessage(alert: $1).write(to: &$0) }
    }
  }
}
