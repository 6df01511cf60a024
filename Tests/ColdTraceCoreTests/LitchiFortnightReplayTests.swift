import Testing

@testable import ColdTraceCore

/// Fourteen days of one litchi room's air probe, scripted reading by reading (every 5 minutes from 2026-06-01 00:00
/// UTC), replayed through the engine with the collector's silence check every minute; the exact alert events expected.
///
/// Every reading is a base value plus a wobble of +0.05 °C on even readings and −0.05 °C on odd ones (so the probe is
/// never "stuck"); the wobble adds nothing to a least-squares slope over the 7 readings of a 30-minute window (its
/// terms cancel in symmetric pairs), so trend rates below are those of the base. Humidity is 91 % ± 0.5, inside the
/// band throughout. The base is 3.55 °C, except:
/// - four defrosts a day from 02:00, 08:00, 14:00, 20:00: 4.2, 4.9, 5.6, 6.2, 6.5, 5.4, 4.4 °C over 35 minutes;
/// - the door opened at 07:30 and 15:15 every day: 5.3, 4.4 °C;
/// - 2026-06-06 13:00–15:00, a power cut (the edge box on a UPS keeps reading): +1.1 °C/h from 3.55 °C, then from
///   15:00 back down at 2.7 °C/h to 3.55 °C; that day's 14:00 defrost and 15:15 door opening do not happen;
/// - 2026-06-08 from 10:00, the door left open: 7, then 10 °C from 10:10 to 10:40, then 7.6, 5.8, 4.2 °C;
/// - 2026-06-10 10:00–10:15, four CRC failures in a row (error samples);
/// - 2026-06-12 06:00–13:55, the probe stuck at exactly 3.42 °C;
/// - after 2026-06-14 23:00 the probe sends nothing more.
struct LitchiFortnightReplayTests {
  static let start = Timestamp.parseRFC3339("2026-06-01T00:00:00Z")!
  static let key = SensorKey(site: "hongxuan", room: "cold1", sensor: "28-0316a2b4c5d6")
  static let day = 1440

  static let defrost = [4.2, 4.9, 5.6, 6.2, 6.5, 5.4, 4.4]
  static let door = [5.3, 4.4]

  /// The base temperature at `minute` of the fortnight.
  static func base(_ minute: Int) -> Double {
    let (day, of) = minute.quotientAndRemainder(dividingBy: Self.day)
    if day == 5 && (780...900).contains(of) { return 3.55 + 1.1 * Double(of - 780) / 60 }
    if day == 5 && of > 900 && of < 960 { return max(3.55, 5.75 - 2.7 * Double(of - 900) / 60) }
    if day == 7 && of > 600 && of < 660 {
      return [1: 7.0, 9: 7.6, 10: 5.8, 11: 4.2][(of - 600) / 5] ?? 10
    }
    for start in [120, 480, 840, 1200] where !(day == 5 && start == 840) && of > start && of <= start + 35 {
      return defrost[(of - start) / 5 - 1]
    }
    for start in [450, 915] where of > start && of <= start + 10 { return door[(of - start) / 5 - 1] }
    return 3.55
  }

  /// Reading `index` (taken at minute 5 × index).
  static func sample(_ index: Int) -> Sample {
    let minute = 5 * index
    let (day, of) = minute.quotientAndRemainder(dividingBy: Self.day)
    let ts = start.adding(seconds: Double(minute * 60))
    if day == 9 && (600...615).contains(of) { return Sample(seq: Int64(index), ts: ts, error: "CRC check failed") }
    if day == 11 && of >= 360 && of < 840 { return Sample(seq: Int64(index), ts: ts, tempC: 3.42, rhPct: 91) }
    let wobble = index.isMultiple(of: 2) ? 0.05 : -0.05
    return Sample(seq: Int64(index), ts: ts, tempC: base(minute) + wobble, rhPct: 91 + 10 * wobble)
  }

  /// One expected event: kind, type, severity and time.
  struct Expected: Equatable, CustomStringConvertible {
    let kind: AlertKind
    let type: AlertEventType
    let severity: Severity
    let at: String

    init(_ kind: AlertKind, _ type: AlertEventType, _ severity: Severity, _ at: String) {
      self.kind = kind
      self.type = type
      self.severity = severity
      self.at = at
    }

    init(_ event: AlertEvent) { self.init(event.kind, event.type, event.severity, event.at.rfc3339) }

    var description: String { "\(kind.rawValue) \(type.rawValue) \(severity.rawValue) \(at)" }
  }

  static let expected: [Expected] = [
    // Defrosts stay past 5 °C for 15 minutes (5.6 … 5.4 °C), door openings for one reading: far below litchi's
    // 45-minute warning delay and never past 8 °C. Their rise rate stays above 0.5 °C/h for at most 30 minutes,
    // short of the trend's 50. So nothing happens until the power cut.
    //
    // Power cut: the rate over the last 7 readings is 0.12, 0.31, then 0.55 °C/h at 13:15 (above 0.5: the rise run
    // starts), 1.1 °C/h from 13:30. 50 minutes later, at 14:05, the reading is 4.69 °C, still inside 5 °C: trend.
    Expected(.tempTrend, .opened, .warning, "2026-06-06T14:05:00.000Z"),
    // The air passes 5 °C at 14:20 (5.07 °C; 14:15 was 4.875) and stays past it until 15:15 (5.025 °C): 45 minutes
    // after 14:20, at 15:05 (5.475 °C), the warning opens. Never 8 °C: no critical.
    Expected(.tempHigh, .opened, .warning, "2026-06-06T15:05:00.000Z"),
    // Falling from 15:00, the window's rate is 0.69 °C/h at 15:05 and 0.01 °C/h at 15:10: at or below 0.2, resolved.
    Expected(.tempTrend, .resolved, .warning, "2026-06-06T15:10:00.000Z"),
    // Down 2.7 °C/h from 5.75 °C: 4.575 °C at 15:25 is in the dead band, 4.45 °C at 15:30 clears 4.5 °C.
    Expected(.tempHigh, .resolved, .warning, "2026-06-06T15:30:00.000Z"),
    // Door left open: past 8 °C from 10:10 (10 °C), so 10 minutes later the alert opens critical straight away (the
    // warning would need 45 minutes from 10:05).
    Expected(.tempHigh, .opened, .critical, "2026-06-08T10:20:00.000Z"),
    // 7.6 and 5.8 °C keep it open; 4.15 °C at 10:55 resolves it.
    Expected(.tempHigh, .resolved, .critical, "2026-06-08T10:55:00.000Z"),
    // Three CRC failures in a row: the third, at 10:10, opens the fault; the first plausible reading, 10:20, ends it.
    Expected(.sensorFault, .opened, .warning, "2026-06-10T10:10:00.000Z"),
    Expected(.sensorFault, .resolved, .warning, "2026-06-10T10:20:00.000Z"),
    // Stuck at 3.42 °C from 06:00: the fault rule wants 30 equal readings spanning 6 hours, so 12:00 (the 73rd);
    // 3.6 °C at 14:00 is a change, and resolves it.
    Expected(.sensorFault, .opened, .warning, "2026-06-12T12:00:00.000Z"),
    Expected(.sensorFault, .resolved, .warning, "2026-06-12T14:00:00.000Z"),
    // The last reading is at 23:00; the silence check (every minute, 10-minute limit) finds it silent for more than
    // 10 minutes at 23:11 (at 23:10 it is exactly 10). Nothing resolves it: no reading comes.
    Expected(.offline, .opened, .critical, "2026-06-14T23:11:00.000Z"),
  ]

  @Test("fourteen days with defrosts, door openings, a power cut, a faulty probe and a silent end: the exact events")
  func fortnight() throws {
    let silence = SilenceRule(silentAfterSeconds: 600)
    let profile = BuiltInProfiles.litchi
    let last = 13 * Self.day + 1380
    let end = 14 * Self.day
    var state = SensorRuleState()
    var events: [AlertEvent] = []
    for minute in 0...end {
      if minute % 5 == 0 && minute <= last {
        events += AlertEngine.process(Self.sample(minute / 5), key: Self.key, profile: profile, state: &state)
      }
      let now = Self.start.adding(seconds: Double(minute * 60))
      if let event = silence.check(now: now, key: Self.key, productID: profile.id, state: &state) {
        events.append(event)
      }
    }
    #expect(events.map(Expected.init) == Self.expected)

    // The values behind the reasoning above.
    let trendOpened = try #require(events.first { $0.kind == .tempTrend })
    #expect(trendOpened.value == 1.1 && trendOpened.limit == 0.5)
    let warm = try #require(events.first { $0.kind == .tempHigh && $0.type == .resolved })
    #expect(abs((warm.value ?? 0) - 4.45) < 1e-9 && abs((warm.peak ?? 0) - 5.475) < 1e-9)
    let door = try #require(events.last { $0.kind == .tempHigh && $0.type == .resolved })
    #expect(abs((door.peak ?? 0) - 10.05) < 1e-9 && abs((door.value ?? 0) - 4.15) < 1e-9)
    #expect(state.offlineSince != nil && state.openAlerts.isEmpty)
  }
}
