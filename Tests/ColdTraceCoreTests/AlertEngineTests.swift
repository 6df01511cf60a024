import Foundation
import Testing

@testable import ColdTraceCore

/// Traces in event time: one reading a minute from 2026-06-12 08:00 UTC, so a test can name the exact reading.
enum EngineFixtures {
  static let start = Timestamp.parseRFC3339("2026-06-12T08:00:00Z")!
  static let door = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-door")
  static let rack = SensorKey(site: "hongxuan", room: "cold3", sensor: "cold3-rack")
  static let litchi = BuiltInProfiles.litchi

  /// The event time of the reading taken `minutes` after the start.
  static func minute(_ minutes: Int) -> Timestamp { start.adding(seconds: Double(minutes * 60)) }

  /// Temperature-only samples, one a minute from minute `first`: `count` readings of each value in turn.
  static func temperatures(
    _ runs: [(count: Int, tempC: Double)], key: SensorKey = door, from first: Int = 0
  ) -> [(SensorKey, Sample)] {
    var samples: [(SensorKey, Sample)] = []
    var next = first
    for run in runs {
      for _ in 0..<run.count {
        samples.append((key, Sample(seq: Int64(next), ts: minute(next), tempC: run.tempC)))
        next += 1
      }
    }
    return samples
  }
}

@Suite("Alert engine over replayed traces")
struct AlertEngineTests {
  typealias F = EngineFixtures

  @Test("a 3-minute blip to 7 °C opens nothing, while 45 minutes at 7 °C does")
  func shortBlipOpensNothing() {
    let blip = F.temperatures([(10, 4), (3, 7), (20, 4)])
    #expect(AlertEngine.replay(blip, profile: F.litchi).isEmpty)

    var engine = AlertEngine()
    for (key, sample) in blip { _ = engine.process(key: key, sample: sample, profile: F.litchi) }
    #expect(engine.sensors[F.door]?.temperatureHigh == BandState(), "the blip's run ended when 4 °C came back")

    let sustained = F.temperatures([(10, 4), (46, 7)])
    let events = AlertEngine.replay(sustained, profile: F.litchi)
    #expect(events.map(\.type) == [.opened])
    #expect(events.first?.at == F.minute(55))
  }

  /// 30 min at 12 °C from minute 5. With the built-in 10-minute critical delay the critical level holds first and
  /// the alert opens critical; with a 20-minute critical delay and a market's 15-minute warning delay (the built-in
  /// one is 45 min) it opens as a warning at 15 min and escalates at 20.
  @Test(
    "30 minutes at 12 °C: one alert, opened and escalated at the exact readings, resolved once at 4.5 °C not 4.8 °C",
    arguments: [10, 20])
  func sustainedHeat(criticalDelayMinutes: Int) throws {
    var profile = F.litchi
    profile.temperature.criticalHigh = .past(8, afterMinutes: criticalDelayMinutes)
    if criticalDelayMinutes != 10 { profile.temperature.warningHigh = .past(5, afterMinutes: 15) }
    let trace = F.temperatures([(5, 4), (30, 12), (10, 4.8), (5, 4.5), (5, 4)])
    let events = AlertEngine.replay(trace, profile: profile)

    let opened = events.filter { $0.type == .opened }
    try #require(opened.count == 1, "never a second alert while one is open")
    let resolved = events.filter { $0.type == .resolved }
    try #require(resolved.count == 1)
    #expect(resolved[0].at == F.minute(45), "4.8 °C is in the dead band; the first 4.5 °C reading resolves")
    #expect(resolved[0].limit == 5)
    #expect(resolved[0].value == 4.5)
    #expect(resolved[0].peak == 12)
    #expect(resolved[0].severity == .critical)
    #expect(Set(events.map(\.kind)) == [.tempHigh])

    if criticalDelayMinutes == 10 {
      #expect(events.map(\.type) == [.opened, .resolved])
      #expect(opened[0].severity == .critical)
      #expect(opened[0].at == F.minute(15))
      #expect(opened[0].limit == 8)
      #expect(opened[0].message == "temperature 12 °C above 8 °C for 10 min (litchi, critical)")
    } else {
      #expect(events.map(\.type) == [.opened, .escalated, .resolved])
      #expect(opened[0].severity == .warning)
      #expect(opened[0].at == F.minute(20), "the reading where 15 minutes have elapsed since minute 5")
      #expect(opened[0].limit == 5)
      #expect(opened[0].message == "temperature 12 °C above 5 °C for 15 min (litchi, warning)")
      #expect(events[1].at == F.minute(25))
      #expect(events[1].severity == .critical)
      #expect(events[1].limit == 8)
      #expect(events[1].message == "temperature 12 °C above 8 °C for 20 min (litchi, escalated to critical)")
      #expect(
        resolved[0].message
          == "temperature back to 4.5 °C, inside 5 °C − 0.5 °C hysteresis after 25 min (litchi, peak 12 °C)")
    }
  }

  @Test("a warming room opens a warning, escalates in place when it passes 8 °C for 10 min, tracks the peak")
  func warmingRoomEscalates() throws {
    // 4 °C, then 7 °C from minute 5, 12 °C from minute 55 with one 13.5 °C reading at 70, back to 4.8, then 4.5.
    let trace = F.temperatures([(5, 4), (50, 7), (15, 12), (1, 13.5), (14, 12), (10, 4.8), (2, 4.5)])
    let events = AlertEngine.replay(trace, profile: F.litchi)
    try #require(events.count == 3)

    #expect(events[0].type == .opened)
    #expect(events[0].severity == .warning)
    #expect(events[0].at == F.minute(50), "45 minutes after the first 7 °C reading")
    #expect(events[0].value == 7)
    #expect(events[0].peak == 7)

    #expect(events[1].type == .escalated)
    #expect(events[1].at == F.minute(65), "critical run began at minute 55; 10 minutes later")
    #expect(events[1].peak == 12)

    #expect(events[2].type == .resolved)
    #expect(events[2].at == F.minute(95))
    #expect(events[2].severity == .critical)
    #expect(events[2].peak == 13.5, "the worst reading while open, not the latest")
    #expect(events.allSatisfy { $0.key == F.door && $0.productID == "litchi" && $0.kind == .tempHigh })
  }

  @Test("low temperature mirrors high: warning below 1 °C after 30 min, critical below -0.5 °C, clears at 1.5 °C")
  func lowTemperatureMirror() throws {
    let trace = F.temperatures([(5, 3), (35, 0.5), (15, -1), (10, 1.2), (1, 1.5), (5, 3)])
    let events = AlertEngine.replay(trace, profile: F.litchi)
    try #require(events.count == 3)
    #expect(events.map(\.type) == [.opened, .escalated, .resolved])
    #expect(events.allSatisfy { $0.kind == .tempLow })
    #expect(events[0].at == F.minute(35))
    #expect(events[0].limit == 1)
    #expect(events[0].message == "temperature 0.5 °C below 1 °C for 30 min (litchi, warning)")
    #expect(events[1].at == F.minute(50))
    #expect(events[1].limit == -0.5)
    #expect(events[2].at == F.minute(65), "1.2 °C is inside 1 °C but not past the 1.5 °C clearing line")
    #expect(events[2].peak == -1, "a low alert's peak is its lowest value")
    #expect(events[2].limit == 1)
    #expect(
      events[2].message
        == "temperature back to 1.5 °C, inside 1 °C + 0.5 °C hysteresis after 30 min (litchi, peak -1 °C)")
  }

  @Test("humidity and temperature are independent; a sample carrying one metric leaves the other alone")
  func humidityIndependentOfTemperature() throws {
    // Even minutes carry humidity only, odd minutes temperature only.
    var trace: [(SensorKey, Sample)] = []
    for minute in 0...80 {
      let ts = F.minute(minute)
      if minute.isMultiple(of: 2) {
        trace.append((F.door, Sample(seq: Int64(minute), ts: ts, rhPct: minute < 70 ? 82 : 87)))
      } else {
        trace.append((F.door, Sample(seq: Int64(minute), ts: ts, tempC: minute < 30 ? 3 : 7)))
      }
    }
    var engine = AlertEngine()
    var events: [AlertEvent] = []
    for (key, sample) in trace { events += engine.process(key: key, sample: sample, profile: F.litchi) }

    try #require(events.count == 3)
    #expect(events[0].kind == .rhLow)
    #expect(events[0].type == .opened)
    #expect(events[0].at == F.minute(60), "humidity run from minute 0, unbroken by temperature-only samples")
    #expect(events[0].message == "humidity 82 % below 85 % for 1 h (litchi, warning)")
    #expect(events[1].kind == .rhLow)
    #expect(events[1].type == .resolved)
    #expect(events[1].at == F.minute(70))
    #expect(events[2].kind == .tempHigh)
    #expect(events[2].type == .opened)
    // The run began at minute 31; minute 76 carries humidity only, so the next temperature reading alarms.
    #expect(events[2].at == F.minute(77), "temperature run from minute 31, unbroken by humidity-only samples")
    #expect(engine.sensors[F.door]?.openAlerts.keys.sorted { $0.rawValue < $1.rawValue } == [.tempHigh])
  }

  @Test("samples at or before the last processed time are ignored and change nothing")
  func outOfOrderSamplesIgnored() {
    var engine = AlertEngine()
    for (key, sample) in F.temperatures([(10, 7)]) {
      #expect(engine.process(key: key, sample: sample, profile: F.litchi).isEmpty)
    }
    let before = engine.sensors

    let late = Sample(seq: 3, ts: F.minute(3), tempC: 20)
    let replayed = Sample(seq: 9, ts: F.minute(9), tempC: 4)
    #expect(engine.process(key: F.door, sample: late, profile: F.litchi).isEmpty)
    #expect(engine.process(key: F.door, sample: replayed, profile: F.litchi).isEmpty)
    #expect(engine.sensors == before)

    // Had the replayed 4 °C reading counted, the run would have restarted and nothing would open at minute 45.
    var events: [AlertEvent] = []
    for (key, sample) in F.temperatures([(36, 7)], from: 10) {
      events += engine.process(key: key, sample: sample, profile: F.litchi)
    }
    #expect(events.map(\.at) == [F.minute(45)])
  }

  @Test("a sensor fault sample neither ends a run nor starts one")
  func faultSampleChangesNoBandState() {
    var engine = AlertEngine()
    for (key, sample) in F.temperatures([(8, 7)]) { _ = engine.process(key: key, sample: sample, profile: F.litchi) }
    let bandsBefore = engine.sensors[F.door]
    let fault = Sample(seq: 8, ts: F.minute(8), error: "crc failed")
    #expect(engine.process(key: F.door, sample: fault, profile: F.litchi).isEmpty)
    var expected = bandsBefore
    expected?.lastTs = F.minute(8)
    // The fault rule counts the error; the band state does not move.
    #expect(engine.sensors[F.door]?.fault.consecutiveErrors == 1)
    expected?.fault = engine.sensors[F.door]!.fault
    #expect(engine.sensors[F.door] == expected, "only the last processed time moved")

    // A fault that still carries a value (a DS18B20 power-on 85 °C) must not be read as a temperature either.
    let resetValue = Sample(seq: 9, ts: F.minute(8).adding(seconds: 30), tempC: 85, error: "power-on reset value")
    #expect(engine.process(key: F.door, sample: resetValue, profile: F.litchi).isEmpty)
    expected?.lastTs = resetValue.ts
    expected?.fault = engine.sensors[F.door]!.fault
    #expect(engine.sensors[F.door] == expected, "85 °C started no critical run")

    var events: [AlertEvent] = []
    for (key, sample) in F.temperatures([(37, 7)], from: 9) {
      events += engine.process(key: key, sample: sample, profile: F.litchi)
    }
    #expect(events.map(\.at) == [F.minute(45)])
  }

  @Test("5.2/4.9 °C flapping for six hours never opens: every 4.9 °C reading ends the run")
  func flappingNeverOpens() {
    let trace = F.temperatures((0..<180).flatMap { _ in [(count: 1, tempC: 5.2), (count: 1, tempC: 4.9)] })
    var engine = AlertEngine()
    var events: [AlertEvent] = []
    for (key, sample) in trace { events += engine.process(key: key, sample: sample, profile: F.litchi) }
    #expect(trace.count == 360)
    #expect(events.isEmpty)
    #expect(engine.sensors[F.door]?.temperatureHigh == BandState())
    #expect(engine.sensors[F.door]?.lastTs == F.minute(359))
  }

  @Test("two sensors keep separate runs and alerts")
  func twoSensorsIndependent() throws {
    // The door sensor is at 7 °C from minute 0 until minute 50; the rack sensor at 7 °C from minute 10 on.
    var trace: [(SensorKey, Sample)] = []
    for minute in 0..<60 {
      trace.append((F.door, Sample(seq: Int64(minute), ts: F.minute(minute), tempC: minute < 50 ? 7 : 4)))
      trace.append((F.rack, Sample(seq: Int64(minute), ts: F.minute(minute), tempC: minute < 10 ? 4 : 7)))
    }
    let events = AlertEngine.replay(trace, profile: F.litchi)
    try #require(events.count == 3)
    #expect(events[0].key == F.door)
    #expect(events[0].type == .opened)
    #expect(events[0].at == F.minute(45))
    #expect(events[1].key == F.door)
    #expect(events[1].type == .resolved)
    #expect(events[1].at == F.minute(50))
    #expect(events[2].key == F.rack)
    #expect(events[2].type == .opened)
    #expect(events[2].at == F.minute(55))
  }

  /// The door sensor warms, escalates, recovers, then chills; the rack sensor dries out to a warning at minute 80
  /// that escalates at minute 110.
  static let mixedTrace: [(SensorKey, Sample)] = {
    var trace = F.temperatures([(5, 4), (50, 7), (15, 12), (10, 4.8), (5, 4.2), (35, 0.5), (5, 3)])
    for minute in 0..<125 {
      let rhPct: Double = minute < 20 ? 92 : minute < 50 ? 83 : 78
      trace.append((F.rack, Sample(seq: Int64(minute), ts: F.minute(minute), tempC: 3, rhPct: rhPct)))
    }
    return trace.sorted { ($0.1.ts, $0.0.sensor) < ($1.1.ts, $1.0.sensor) }
  }()

  @Test("state survives JSON and a restored engine continues exactly as one pass, at every split point")
  func stateRoundTripsAndRestores() throws {
    let onePass = AlertEngine.replay(Self.mixedTrace, profile: F.litchi)
    #expect(onePass.count == 7, "temp_high open/escalate/resolve, temp_low open/resolve, rh_low open/escalate")

    var full = AlertEngine()
    for (key, sample) in Self.mixedTrace { _ = full.process(key: key, sample: sample, profile: F.litchi) }

    for split in 1..<Self.mixedTrace.count {
      var first = AlertEngine()
      var events: [AlertEvent] = []
      for (key, sample) in Self.mixedTrace[..<split] {
        events += first.process(key: key, sample: sample, profile: F.litchi)
      }
      let data = try JSONEncoder().encode(first.sensors)
      let restoredState = try JSONDecoder().decode([SensorKey: SensorRuleState].self, from: data)
      #expect(restoredState == first.sensors)

      var restored = AlertEngine(sensors: restoredState)
      for (key, sample) in Self.mixedTrace[split...] {
        events += restored.process(key: key, sample: sample, profile: F.litchi)
      }
      #expect(events == onePass, "split at \(split)")
      #expect(restored.sensors == full.sensors, "split at \(split)")
    }
  }

  @Test("a mid-excursion state, saved per sensor as the collector does, holds the run and the open alert")
  func perSensorStateRoundTrip() throws {
    var engine = AlertEngine()
    for (key, sample) in F.temperatures([(5, 4), (50, 7), (7, 12)]) {
      _ = engine.process(key: key, sample: sample, profile: F.litchi)
    }
    let state = try #require(engine.sensors[F.door])
    #expect(state.temperatureHigh.warningRunStart == F.minute(5))
    #expect(state.temperatureHigh.criticalRunStart == F.minute(55))
    #expect(state.temperatureHigh.open == OpenAlert(severity: .warning, openedAt: F.minute(50), peak: 12))
    #expect(state.trend.times.count == 31, "the last 30 minutes of temperatures, both ends included")
    let decoded = try JSONDecoder().decode(SensorRuleState.self, from: JSONEncoder().encode(state))
    #expect(decoded == state)

    let empty = try JSONDecoder().decode(SensorRuleState.self, from: Data("{}".utf8))
    #expect(empty == SensorRuleState(), "state saved by an older version with fewer fields still loads")
  }

  @Test("events encode to JSON and back unchanged")
  func eventsRoundTrip() throws {
    let events = AlertEngine.replay(Self.mixedTrace, profile: F.litchi)
    let decoded = try JSONDecoder().decode([AlertEvent].self, from: JSONEncoder().encode(events))
    #expect(decoded == events)
    #expect(!events.isEmpty)
  }
}
