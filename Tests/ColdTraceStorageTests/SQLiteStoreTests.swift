import ColdTraceCore
import Foundation
// GRDB comes with ColdTraceStorage; the tests use it only to look at the quarantine table, which has no query API.
import GRDB
import Testing

@testable import ColdTraceStorage

/// A database file in a fresh temporary directory, removed with the fixture.
final class ScratchDatabase: Sendable {
  let directory: URL
  let path: String

  init() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("coldtrace-storage-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    path = directory.appendingPathComponent("coldtrace.db").path
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  /// The alert journal next to the database.
  var journal: AlertJournal { AlertJournal(path: directory.appendingPathComponent("coldtrace.alerts.jsonl").path) }

  func open(create: Bool = true) throws -> SQLiteStore { try SQLiteStore(path: path, create: create) }
}

/// Event times, probes and alert events named so each test reads like a trace.
enum StoreFixtures {
  static let start = Timestamp.parseRFC3339("2026-06-12T08:00:00Z")!
  static let door = SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-door")
  static let rack = SensorKey(site: "hongxuan", room: "cold3", sensor: "cold3-rack")
  static let thanhHa = SensorKey(site: "thanhha", room: "cold1", sensor: "th-probe")

  static func minute(_ minutes: Int) -> Timestamp { start.adding(seconds: Double(minutes * 60)) }

  static func event(
    _ type: AlertEventType, _ key: SensorKey = door, kind: AlertKind = .tempHigh, severity: Severity = .warning,
    at minutes: Int, limit: Double? = 5, value: Double? = nil, peak: Double? = nil, message: String? = nil
  ) -> AlertEvent {
    AlertEvent(
      type: type, key: key, kind: kind, severity: severity, productID: "litchi", at: minute(minutes), limit: limit,
      value: value, peak: peak, message: message ?? "\(kind.rawValue) \(type.rawValue) at minute \(minutes)")
  }

  /// Stores `samples` of `key` in one transaction and returns the ones that were new.
  @discardableResult
  static func insert(
    _ samples: [Sample], _ key: SensorKey = door, agent: String? = "hx-edge-1", into store: SQLiteStore
  )
    throws -> [Sample]
  {
    try store.write { tx in
      try tx.insertNew(samples, source: try tx.sourceID(for: key, agent: agent))
    }
  }

  /// Applies one event in its own transaction, as the collector does.
  @discardableResult
  static func apply(_ event: AlertEvent, lots: [String] = [], to store: SQLiteStore) throws -> RecordedEvent {
    try store.write { tx in try tx.apply(event, lots: lots) }
  }

  /// A journal or alert-topic line as a dictionary.
  static func object(_ line: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
  }
}

@Suite("SQLite store")
struct SQLiteStoreTests {
  typealias F = StoreFixtures
  let scratch: ScratchDatabase

  init() throws { scratch = try ScratchDatabase() }

  // MARK: Readings stored once

  @Test("a (sensor, seq) delivered twice is stored once, and insertNew returns only the fresh samples")
  func sameSequenceIsStoredOnce() throws {
    let store = try scratch.open()
    let one = Sample(seq: 1, ts: F.minute(0), tempC: 3.4, rhPct: 91.8)
    let two = Sample(seq: 2, ts: F.minute(1), tempC: 3.5)
    let three = Sample(seq: 3, ts: F.minute(2), tempC: 3.6)
    #expect(try F.insert([one, two], into: store) == [one, two])

    // A redelivery of 2 (with another value, to see which one is kept) and a new 3, in one message.
    var resent = two
    resent.tempC = 9.9
    #expect(try F.insert([resent, three], into: store) == [three])
    // The same sample twice in one batch.
    let four = Sample(seq: 4, ts: F.minute(3), tempC: 3.7)
    #expect(try F.insert([four, four], into: store) == [four])

    #expect(try store.counts().readings == 4)
    let stored = try store.readings(ReadingFilter())
    #expect(stored.map(\.sample) == [one, two, three, four], "the first delivery of seq 2 is the one kept")
    #expect(stored.allSatisfy { $0.key == F.door && $0.agent == "hx-edge-1" })
  }

  @Test(
    "the key is (site, sensor, seq): another sensor's seq 1 is stored, the same sensor moved to another room's is not")
  func sequenceKeyIsPerSiteAndSensor() throws {
    let store = try scratch.open()
    let sample = Sample(seq: 1, ts: F.minute(0), tempC: 3.4)
    #expect(try F.insert([sample], F.door, into: store) == [sample])
    #expect(try F.insert([sample], F.rack, into: store) == [sample])
    let otherSite = SensorKey(site: "thanhha", room: "cold2", sensor: "cold2-door")
    #expect(try F.insert([sample], otherSite, into: store) == [sample])

    let moved = SensorKey(site: F.door.site, room: "cold4", sensor: F.door.sensor)
    #expect(try F.insert([sample], moved, into: store) == [], "the probe moved rooms; its seq 1 is already stored")
    #expect(try store.counts().readings == 3)
    var filter = ReadingFilter()
    filter.site = "hongxuan"
    filter.sensor = "cold2-door"
    #expect(try store.readings(filter).map(\.sample) == [sample], "one reading of hongxuan/cold2-door")
  }

  @Test("without seq the key is (sensor, ts): the same instant again is a duplicate, a millisecond later is not")
  func withoutSequenceTheKeyIsTheTimestamp() throws {
    let store = try scratch.open()
    let first = Sample(seq: nil, ts: F.minute(0), tempC: 3.0)
    let sameInstant = Sample(seq: nil, ts: F.minute(0), tempC: 4.0, rhPct: 90)
    let aMillisecondLater = Sample(seq: nil, ts: F.minute(0).adding(seconds: 0.001), tempC: 3.0)
    #expect(try F.insert([first], agent: nil, into: store) == [first])
    #expect(try F.insert([sameInstant, aMillisecondLater], agent: nil, into: store) == [aMillisecondLater])
    // Another sensor at the same instant is its own reading.
    #expect(try F.insert([sameInstant], F.rack, agent: nil, into: store) == [sameInstant])

    #expect(try store.counts().readings == 3)
    let door = try store.readings(ReadingFilter()).filter { $0.key == F.door }
    #expect(door.map(\.sample) == [first, aMillisecondLater])
    #expect(door.allSatisfy { $0.agent == nil })
  }

  // MARK: Quarantine

  @Test("quarantine keeps the raw bytes, the topic, the reason and the detail; counts() groups by reason")
  func quarantineKeepsRawBytesAndCountsByReason() throws {
    let store = try scratch.open()
    let topic = "coldtrace/v1/reading/hongxuan/cold2/cold2-door"
    let hot = Array(#"{"v":1,"ts":"2026-06-12T08:00:00Z","temp_c":91.5}"#.utf8)
    let binary: [UInt8] = [0xFF, 0x00, 0xC3, 0x28, 0x7B, 0x0A]
    let colder = Array(#"{"v":1,"ts":1,"temp_c":-99}"#.utf8)
    let rejections = [
      (hot, PayloadRejection(.tempOutOfRange, "temp_c 91.5 is outside -80..85 °C")),
      (binary, PayloadRejection(.invalidUTF8, "invalid UTF-8 at byte 0")),
      (colder, PayloadRejection(.tempOutOfRange, "temp_c -99 is outside -80..85 °C")),
    ]
    try store.write { tx in
      for (minute, (bytes, rejection)) in rejections.enumerated() {
        try bytes.withUnsafeBytes {
          try tx.quarantine(topic: topic, payload: $0, rejection: rejection, at: F.minute(minute))
        }
      }
    }

    let counts = try store.counts()
    #expect(counts == IngestCounts(readings: 0, quarantinedByReason: ["temp_out_of_range": 2, "invalid_utf8": 1]))
    let rows = try quarantineRows(store)
    #expect(rows.count == 3)
    for (row, (bytes, rejection)) in zip(rows, rejections) {
      #expect(row.payload == Data(bytes))
      #expect(row.reason == rejection.reason.rawValue)
      #expect(row.detail == rejection.detail)
      #expect(row.topic == topic)
    }
    #expect(rows.map(\.receivedAt) == [F.minute(0), F.minute(1), F.minute(2)])
  }

  @Test("an oversized payload keeps its first 256 KiB, and the detail says how large it was")
  func oversizedPayloadIsCut() throws {
    let store = try scratch.open()
    let size = ReadingDecoder.maxPayloadBytes + 10
    let junk = [UInt8](repeating: UInt8(ascii: "x"), count: size)
    let rejection = PayloadRejection(.tooLarge, "payload is \(size) bytes; the limit is 262144 (256 KiB)")
    try store.write { tx in
      try junk.withUnsafeBytes { try tx.quarantine(topic: "t", payload: $0, rejection: rejection, at: F.minute(0)) }
    }
    let rows = try quarantineRows(store)
    #expect(rows.count == 1)
    #expect(rows.first?.payload == Data(junk.prefix(ReadingDecoder.maxPayloadBytes)))
    #expect(rows.first?.detail == rejection.detail + " (first 262144 of \(size) bytes kept)")
    #expect(try store.counts().quarantinedByReason == ["too_large": 1])
  }

  // MARK: Alerts

  @Test("opened → escalated → resolved: one alert row with the escalated severity, the peak and resolved_at")
  func alertLifecycleIsOneRowAndThreeEvents() throws {
    let store = try scratch.open()
    let opened = F.event(.opened, severity: .warning, at: 15, limit: 5, value: 6.2, peak: 6.4)
    let escalated = F.event(.escalated, severity: .critical, at: 25, limit: 8, value: 8.9, peak: 9.1)
    // The peak rose to 9.6 between the escalation and the reading that resolved the alert.
    let resolved = F.event(
      .resolved, severity: .critical, at: 50, limit: 5, value: 4.4, peak: 9.6, message: "back to 4.4 °C")

    let first = try F.apply(opened, lots: ["LT-2026-0612"], to: store)
    #expect(first.alert.state == .open)
    #expect(first.alert.severity == .warning)
    let second = try F.apply(escalated, to: store)
    let third = try F.apply(resolved, to: store)
    #expect(Set([first.alert.id, second.alert.id, third.alert.id]).count == 1, "every event is about the same alert")

    let alerts = try store.alerts(AlertFilter())
    #expect(alerts.count == 1)
    let alert = try #require(alerts.first)
    #expect(alert == third.alert, "apply returns the alert as stored")
    #expect(alert.kind == .tempHigh)
    #expect(alert.severity == .critical)
    #expect(alert.state == .resolved)
    #expect([alert.site, alert.room, alert.sensor] == ["hongxuan", "cold2", "cold2-door"])
    #expect(alert.lots == ["LT-2026-0612"])
    #expect(alert.product == "litchi")
    #expect(alert.openedAt == F.minute(15))
    #expect(alert.resolvedAt == F.minute(50))
    #expect(alert.peak == 9.6)
    #expect(alert.limit == 8, "the limit is the highest one crossed")
    #expect(alert.message == "back to 4.4 °C")
    #expect(alert.ackedAt == nil && alert.ackedBy == nil && alert.note == nil)

    let events = try store.alertEventLines(after: 0)
    #expect(events.map(\.id) == [first.eventID, second.eventID, third.eventID])
    #expect(events.map(\.id) == events.map(\.id).sorted() && Set(events.map(\.id)).count == 3, "ids ascend")
    let objects = events.compactMap { F.object($0.line) }
    #expect(objects.count == 3, "every event line is a JSON object")
    #expect(objects.map { $0["event"] as? String } == ["opened", "escalated", "resolved"])
    #expect(objects.map { $0["event_id"] as? Int } == events.map { Int($0.id) })
    #expect(objects.map { $0["id"] as? Int } == Array(repeating: Int(alert.id), count: 3))
    #expect(objects.map { $0["severity"] as? String } == ["warning", "critical", "critical"])
    #expect(objects.map { $0["state"] as? String } == ["open", "open", "resolved"])
    #expect(objects.map { $0["at"] as? String } == [15, 25, 50].map { F.minute($0).rfc3339 })
    #expect(try store.alertEventLines(after: second.eventID).map(\.id) == [third.eventID])
  }

  @Test("a resolved alert's severity stays at the highest reached, and a new excursion opens a new alert")
  func severityNeverDropsAndANewExcursionIsANewAlert() throws {
    let store = try scratch.open()
    let first = try F.apply(F.event(.opened, severity: .critical, at: 0, limit: 8, peak: 9), to: store)
    try F.apply(F.event(.resolved, severity: .warning, at: 30, peak: 9), to: store)
    #expect(try store.alert(id: first.alert.id)?.severity == .critical)

    let second = try F.apply(F.event(.opened, severity: .warning, at: 60, peak: 6), to: store)
    #expect(second.alert.id != first.alert.id)
    #expect(try store.alerts(AlertFilter()).map(\.state) == [.resolved, .open])
  }

  @Test("escalating or resolving with no open alert throws StoreError and records nothing")
  func escalatingWithoutAnOpenAlertThrows() throws {
    let store = try scratch.open()
    #expect(throws: StoreError.self) { try F.apply(F.event(.escalated, severity: .critical, at: 5), to: store) }
    #expect(throws: StoreError.self) { try F.apply(F.event(.resolved, at: 5), to: store) }
    #expect(try store.alerts(AlertFilter()).isEmpty)
    #expect(try store.alertEventLines(after: 0).isEmpty)
  }

  @Test("acknowledging an open alert sets state acked, acked_at, acked_by and the note; resolving it keeps them")
  func acknowledgingAnOpenAlert() throws {
    let store = try scratch.open()
    let opened = try F.apply(F.event(.opened, at: 15, peak: 6.4), to: store)
    let acked = try store.write { tx in
      try tx.acknowledge(alertID: opened.alert.id, by: "lan", note: "door closed", at: F.minute(20))
    }
    #expect(acked.alert.state == .acked)
    #expect(acked.alert.ackedBy == "lan")
    #expect(acked.alert.note == "door closed")
    #expect(acked.alert.ackedAt == F.minute(20))
    #expect(try store.alert(id: opened.alert.id) == acked.alert)

    let line = try #require(try store.alertEventLines(after: opened.eventID).first)
    #expect(line.id == acked.eventID)
    let object = try #require(F.object(line.line))
    #expect(object["event"] as? String == "acked")
    #expect(object["acked_by"] as? String == "lan")
    #expect(object["note"] as? String == "door closed")
    #expect(object["state"] as? String == "acked")

    // An acked alert is still the open one of its kind: the engine's resolution finds it.
    let resolved = try F.apply(F.event(.resolved, at: 40, peak: 6.4), to: store)
    #expect(resolved.alert.id == opened.alert.id)
    let stored = try #require(try store.alert(id: opened.alert.id))
    #expect(stored.state == .resolved)
    #expect(stored.ackedBy == "lan" && stored.note == "door closed" && stored.ackedAt == F.minute(20))
    #expect(stored.resolvedAt == F.minute(40))
  }

  @Test("acknowledging a resolved alert keeps it resolved and records who acknowledged it")
  func acknowledgingAResolvedAlert() throws {
    let store = try scratch.open()
    let opened = try F.apply(F.event(.opened, at: 15, peak: 6.4), to: store)
    try F.apply(F.event(.resolved, at: 40, peak: 6.4), to: store)
    let acked = try store.write { tx in
      try tx.acknowledge(alertID: opened.alert.id, by: "minh", note: "fruit checked, fine", at: F.minute(90))
    }
    let stored = try #require(try store.alert(id: opened.alert.id))
    #expect(stored == acked.alert)
    #expect(stored.state == .resolved)
    #expect(stored.resolvedAt == F.minute(40))
    #expect(stored.ackedBy == "minh")
    #expect(stored.note == "fruit checked, fine")
    #expect(stored.ackedAt == F.minute(90))
    #expect(try store.alertEventLines(after: 0).count == 3)
  }

  @Test("acknowledging an alert that does not exist throws StoreError and records nothing")
  func acknowledgingAMissingAlert() throws {
    let store = try scratch.open()
    #expect(throws: StoreError.self) {
      try store.write { tx in try tx.acknowledge(alertID: 99_999, by: "lan", note: nil, at: F.minute(0)) }
    }
    #expect(try store.alertEventLines(after: 0).isEmpty)
  }

  // MARK: Alert filter

  /// Minutes open: C (thanhha, −60…−30), A (door temp_high, 0…60, lots LT-1 and LT-2), D (door rh_high, 30…),
  /// B (rack, 120…, acked).
  private func fourAlerts(_ store: SQLiteStore) throws -> (a: Int64, b: Int64, c: Int64, d: Int64) {
    let c = try F.apply(F.event(.opened, F.thanhHa, kind: .rhLow, at: -60, limit: 85, peak: 80), to: store).alert.id
    try F.apply(F.event(.resolved, F.thanhHa, kind: .rhLow, at: -30, limit: 85, peak: 80), to: store)
    let a = try F.apply(F.event(.opened, at: 0, peak: 6), lots: ["LT-1", "LT-2"], to: store).alert.id
    try F.apply(F.event(.resolved, at: 60, peak: 6), to: store)
    let d = try F.apply(F.event(.opened, kind: .rhHigh, severity: .critical, at: 30, limit: 98, peak: 99), to: store)
      .alert.id
    let b = try F.apply(F.event(.opened, F.rack, severity: .critical, at: 120, limit: 8, peak: 9), to: store).alert.id
    try store.write { tx in _ = try tx.acknowledge(alertID: b, by: "lan", note: nil, at: F.minute(125)) }
    return (a, b, c, d)
  }

  /// The ids `store.alerts` returns for a filter; times in minutes from the fixtures' start.
  private func ids(
    _ store: SQLiteStore, since: Int? = nil, until: Int? = nil, site: String? = nil, room: String? = nil,
    sensor: String? = nil, lot: String? = nil, severity: Severity? = nil, state: AlertState? = nil,
    afterID: Int64? = nil
  ) throws -> [Int64] {
    var filter = AlertFilter()
    filter.since = since.map(F.minute)
    filter.until = until.map(F.minute)
    filter.site = site
    filter.room = room
    filter.sensor = sensor
    filter.lot = lot
    filter.severity = severity
    filter.state = state
    filter.afterID = afterID
    return try store.alerts(filter).map(\.id)
  }

  @Test("--since/--until: an alert matches if it was open at any moment in the window (bounds included)")
  func timeWindowMatchesAlertsOpenDuringIt() throws {
    let store = try scratch.open()
    let (a, b, c, d) = try fourAlerts(store)
    #expect(try ids(store) == [c, a, d, b], "oldest first")
    #expect(try ids(store, since: 45) == [a, d, b], "A was still open at 45 min")
    #expect(try ids(store, since: 60) == [a, d, b], "A resolved exactly at the window's start")
    #expect(try ids(store, since: 61) == [d, b])
    #expect(try ids(store, until: -45) == [c])
    #expect(try ids(store, until: 30) == [c, a, d], "D opened exactly at the window's end")
    #expect(try ids(store, until: -61) == [])
    #expect(try ids(store, since: -20, until: 10) == [a], "C was over before the window, D and B began after it")
    #expect(try ids(store, since: 70, until: 110) == [d], "D spans a window in which nothing opened or resolved")
  }

  @Test("site, room, sensor, lot, severity and state filters, alone and combined")
  func attributeFilters() throws {
    let store = try scratch.open()
    let (a, b, c, d) = try fourAlerts(store)
    #expect(try ids(store, site: "thanhha") == [c])
    #expect(try ids(store, site: "hongxuan") == [a, d, b])
    #expect(try ids(store, room: "cold2") == [a, d])
    #expect(try ids(store, sensor: "cold3-rack") == [b])
    #expect(try ids(store, lot: "LT-2") == [a])
    #expect(try ids(store, lot: "LT") == [], "a lot id matches whole, not as a prefix")
    #expect(try ids(store, severity: .critical) == [d, b])
    #expect(try ids(store, severity: .warning) == [c, a])
    #expect(try ids(store, state: .open) == [d])
    #expect(try ids(store, state: .acked) == [b])
    #expect(try ids(store, state: .resolved) == [c, a])
    #expect(try ids(store, site: "hongxuan", severity: .critical, state: .open) == [d])
    #expect(try ids(store, since: 61, room: "cold2") == [d])
    #expect(try ids(store, afterID: d) == [b], "--follow's cursor: only ids above it")
    #expect(try ids(store, site: "nowhere") == [])
  }

  // MARK: Engine state, transactions, opening

  @Test("engine state saved with saveEngineState comes back from engineStates() after closing and reopening")
  func engineStateSurvivesReopening() throws {
    var doorState = SensorRuleState(lastTs: F.minute(30))
    doorState.temperatureHigh = BandState(
      warningRunStart: F.minute(10), criticalRunStart: F.minute(20),
      open: OpenAlert(severity: .critical, openedAt: F.minute(25), peak: 9.1))
    doorState.humidityLow = BandState(warningRunStart: F.minute(28))
    let rackState = SensorRuleState(lastTs: F.minute(5))
    do {
      let store = try scratch.open()
      try store.write { tx in
        let door = try tx.sourceID(for: F.door, agent: "hx-edge-1")
        try tx.saveEngineState(SensorRuleState(lastTs: F.minute(1)), source: door)
        try tx.saveEngineState(doorState, source: door)  // replaces the first
        try tx.saveEngineState(rackState, source: try tx.sourceID(for: F.rack, agent: "hx-edge-1"))
      }
    }
    let reopened = try scratch.open(create: false)
    let probe = { (key: SensorKey) in ProbeKey(site: key.site, sensor: key.sensor) }
    #expect(try reopened.engineStates() == [probe(F.door): doorState, probe(F.rack): rackState])
  }

  @Test("a write transaction that throws halfway leaves nothing behind")
  func throwingTransactionLeavesNothing() throws {
    struct Interrupted: Error {}
    let store = try scratch.open()
    let kept = [Sample(seq: 1, ts: F.minute(0), tempC: 3.4), Sample(seq: 2, ts: F.minute(1), tempC: 3.5)]
    try F.insert(kept, into: store)
    let before = try store.counts()

    let lost = [Sample(seq: 3, ts: F.minute(2), tempC: 9), Sample(seq: 4, ts: F.minute(3), tempC: 9.5)]
    #expect(throws: Interrupted.self) {
      try store.write { tx in
        let fresh = try tx.insertNew(lost, source: try tx.sourceID(for: F.door, agent: nil))
        #expect(fresh == lost)
        _ = try tx.insertNew(kept, source: try tx.sourceID(for: F.rack, agent: nil))
        _ = try tx.apply(F.event(.opened, at: 3, peak: 9.5))
        try tx.saveEngineState(SensorRuleState(lastTs: F.minute(3)), source: try tx.sourceID(for: F.door, agent: nil))
        try Array("junk".utf8).withUnsafeBytes {
          try tx.quarantine(topic: "t", payload: $0, rejection: PayloadRejection(.malformedJSON, "x"), at: F.minute(3))
        }
        throw Interrupted()
      }
    }

    #expect(try store.counts() == before)
    #expect(try store.readings(ReadingFilter()).map(\.sample) == kept)
    #expect(try store.alerts(AlertFilter()).isEmpty)
    #expect(try store.alertEventLines(after: 0).isEmpty)
    #expect(try store.engineStates().isEmpty)
    #expect(
      try store.facilityStatus(now: F.minute(60)).sensors.map(\.key) == [F.door],
      "the rack's source row was rolled back too")
    // The rolled-back samples were never recorded as stored: delivered again, they are fresh.
    #expect(try F.insert(lost, into: store) == lost)
  }

  @Test("SQLiteStore(path:create:false) on a missing file throws StoreError and creates nothing")
  func openingAMissingDatabaseWithoutCreateThrows() throws {
    let error = #expect(throws: StoreError.self) { try scratch.open(create: false) }
    #expect(error?.description.contains(scratch.path) == true)
    #expect(!FileManager.default.fileExists(atPath: scratch.path))
  }

  @Test("a file that is not a SQLite database gives StoreError, not a crash")
  func openingAFileThatIsNotADatabaseThrows() throws {
    try Data("this is not a database, it is a shopping list\n".utf8).write(to: URL(fileURLWithPath: scratch.path))
    let error = #expect(throws: StoreError.self) { try scratch.open(create: false) }
    #expect(error?.description.contains(scratch.path) == true)
  }

  // MARK: Helpers

  private struct QuarantineRow {
    var topic: String
    var reason: String
    var detail: String
    var payload: Data
    var receivedAt: Timestamp
  }

  private func quarantineRows(_ store: SQLiteStore) throws -> [QuarantineRow] {
    try store.read { db in
      try Row.fetchAll(db, sql: "SELECT topic, reason, detail, payload, received_ms FROM quarantine ORDER BY id").map {
        QuarantineRow(
          topic: $0["topic"], reason: $0["reason"], detail: $0["detail"], payload: $0["payload"],
          receivedAt: Timestamp(milliseconds: $0["received_ms"]))
      }
    }
  }
}
