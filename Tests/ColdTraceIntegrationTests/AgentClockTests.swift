import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Clocks that cannot be trusted, through the real agent, a real broker and the real collector: an agent clock hours
/// off raises `clock_skew` and a right one resolves it; samples taken before the clock synchronises are held and
/// stamped with the true time once it does (the synchronised flag and the wall clock both driven by the test).
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AgentClockTests {
  /// Collector settings for both cases: the skew judged over 1.5 s (the default is 5 min), no offline alerts.
  static let collectorConfig = """
    offline_after_minutes = 600
    agent_offline_after_minutes = 600

    [clock]
    skew_margin_seconds = 120
    skew_sustain_seconds = 1.5
    """

  /// The journal's lines of `clock_skew` events, by event (`opened`, `resolved`).
  private static func clockSkewEvents(_ facility: Facility) -> [[String: Any]] {
    let text = (try? String(contentsOfFile: facility.journal, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }.filter { $0["kind"] as? String == "clock_skew" }
  }

  @Test func aClockHoursBehindRaisesClockSkewAndARightOneResolvesIt() throws {
    let broker = try MosquittoBroker()
    let facility = try Facility(broker: broker)
    defer {
      facility.stopCollector()
      broker.stop()
    }
    try facility.startCollector(arguments: try facility.collectorConfig(Self.collectorConfig))
    let behind = try facility.startAgent(
      samples: 20, interval: 0.2, arguments: ["--drain-seconds", "5"], launcher: try Self.fakeTime(offset: "-3h"))
    defer { behind.stop() }
    #expect(behind.wait(seconds: 60) && behind.exitStatus == 0)
    #expect(eventually(timeout: 10) { Self.clockSkewEvents(facility).contains { $0["event"] as? String == "opened" } })
    let opened = Self.clockSkewEvents(facility).first
    #expect(opened?["sensor"] as? String == "hx-edge-1" && opened?["room"] as? String == "-")
    #expect((opened?["limit"] as? NSNumber)?.doubleValue == 120)
    #expect((opened?["message"] as? String)?.contains("3 h 0 min behind") == true)
    let status = try facility.shell(["status"])
    #expect(status.stdout.contains("hongxuan/hx-edge-1  clock wrong since"), "\(status.stdout)")
    let skew = try Self.agentLine(facility)?["clock_skew"] as? [String: Any]
    #expect(skew?["state"] as? String == "open" && (skew?["message"] as? String)?.contains("3 h 0 min behind") == true)
    #expect(try Self.clockSkewGauge(facility) == 1)

    // The same box with its clock right again.
    let right = try facility.startAgent(samples: 20, interval: 0.2, arguments: ["--drain-seconds", "5"])
    defer { right.stop() }
    #expect(right.wait(seconds: 60) && right.exitStatus == 0)
    #expect(
      eventually(timeout: 10) {
        Self.clockSkewEvents(facility).map { $0["event"] as? String } == ["opened", "resolved"]
      })
    #expect(try !facility.shell(["status"]).stdout.contains("clock wrong"))
    let line = try Self.agentLine(facility)
    #expect(line?["clock_skew"] is NSNull && line?["incarnation"] is String, "\(line ?? [:])")
    #expect(try Self.clockSkewGauge(facility) == 0)
  }

  /// The agent's line of `coldtrace status --json` (the line with an `agent` and no `sensor`).
  private static func agentLine(_ facility: Facility) throws -> [String: Any]? {
    let lines = try facility.shell(["status", "--json"]).stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    return lines.first { $0["agent"] as? String == "hx-edge-1" && $0["sensor"] == nil }
  }

  /// `coldtrace_agent_clock_skew` of the agent in `coldtrace metrics`, after `promtool check metrics` accepts the page.
  private static func clockSkewGauge(_ facility: Facility) throws -> Double? {
    let page = try facility.shell(["metrics"]).stdout
    if let promtool = ChildProcess.system("promtool") {
      let file = facility.directory.appendingPathComponent("metrics.prom")
      try page.write(to: file, atomically: true, encoding: .utf8)
      let checked = try Executables.run(
        URL(fileURLWithPath: "/bin/sh"), ["-c", "\"$0\" check metrics < \"$1\"", promtool, file.path])
      #expect(checked.status == 0, "promtool check metrics: \(checked.stdout)\(checked.stderr)")
    }
    return try ExpositionPage(page).value("coldtrace_agent_clock_skew", ["site": "hongxuan", "agent": "hx-edge-1"])
  }

  @Test func samplesTakenBeforeTheClockSynchronisesAreStampedWithTheTrueTime() throws {
    let broker = try MosquittoBroker()
    let facility = try Facility(broker: broker)
    defer {
      facility.stopCollector()
      broker.stop()
    }
    try facility.startCollector(arguments: try facility.collectorConfig(Self.collectorConfig))
    let wallClock = facility.directory.appendingPathComponent("faketime.rc")
    let syncFlag = facility.directory.appendingPathComponent("clock-sync")
    try "-3h\n".write(to: wallClock, atomically: true, encoding: .utf8)
    try "unsynced\n".write(to: syncFlag, atomically: true, encoding: .utf8)
    let started = Date()
    let sensor = """
      [[sensor]]
      id = "cold2-air"
      room = "cold2"
      driver = "simulated"
      seed = 3

      [clock]
      sync = "file"
      sync_file = "\(syncFlag.path)"
      wait_minutes = 525600
      """
    let agent = try facility.startAgent(
      samples: 40, interval: 0.25, sensorTables: sensor, arguments: ["--drain-seconds", "20"],
      launcher: try Self.fakeTime(file: wallClock.path))
    defer { agent.stop() }
    let log = { (try? String(contentsOf: facility.agentLog(), encoding: .utf8)) ?? "" }
    #expect(eventually(timeout: 20) { log().contains("clock: the wall clock is not synchronised") })
    Thread.sleep(forTimeInterval: 2)
    // Held: nothing taken with the unsynchronised clock has left the box.
    let store = { try SQLiteStore(path: facility.database, create: false) }
    #expect(try store().counts().readings == 0)
    // NTP answers: the wall clock is set (libfaketime reads its file again within a second; the agent sees the step
    // against its boot-time clock and says so), then flagged synced.
    try "+0\n".write(to: wallClock, atomically: true, encoding: .utf8)
    #expect(eventually(timeout: 10) { log().contains("clock: the wall clock jumped by ") })
    try "synced\n".write(to: syncFlag, atomically: true, encoding: .utf8)
    let synchronisedAt = Date()
    #expect(agent.wait(seconds: 60) && agent.exitStatus == 0)
    #expect(eventually(timeout: 20) { ((try? store().counts().readings) ?? 0) == 40 })
    let readings = try store().readings(ReadingFilter())
    let counts = try store().counts()
    #expect(counts.quarantinedByReason.isEmpty, "\(counts.quarantinedByReason)")
    let earliest = Timestamp(milliseconds: Int64(started.timeIntervalSince1970 * 1000) - 1000)
    let latest = WallClock.now().adding(seconds: 1)
    let corrected = readings.filter { $0.sample.timeQuality == .corrected }
    let synced = readings.filter { $0.sample.timeQuality == nil }
    // Taken while held (a couple of seconds before the flag), stamped within the test's own true time: none is
    // 3 h off; the ones taken after the flag carry no mark.
    #expect(corrected.count >= 8, "corrected: \(corrected.count) of \(readings.count)")
    #expect(synced.count >= 1 && corrected.count + synced.count == 40)
    #expect(readings.allSatisfy { $0.sample.ts >= earliest && $0.sample.ts <= latest }, "\(readings.map(\.sample.ts))")
    let flagged = Timestamp(milliseconds: Int64(synchronisedAt.timeIntervalSince1970 * 1000) + 1000)
    #expect(corrected.allSatisfy { $0.sample.ts <= flagged })
    // Stamps follow the samples' order: the correction keeps them increasing.
    let times = readings.sorted { ($0.sample.seq ?? 0) < ($1.sample.seq ?? 0) }.map(\.sample.ts)
    #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
    // The report marks them, in every format.
    try Self.expectReportMarks(facility, corrected: corrected.count, from: started)
  }

  /// A lot in the room over the whole test: its report counts the corrected readings in text, JSON, CSV and HTML.
  private static func expectReportMarks(_ facility: Facility, corrected: Int, from started: Date) throws {
    let at = Timestamp(milliseconds: Int64(started.timeIntervalSince1970 * 1000) - 60_000).rfc3339
    let added = try facility.shell([
      "lot", "add", "LT-CLOCK", "--product", "litchi", "--room", "hongxuan/cold2",
      "--at", at,
    ])
    #expect(added.status == 0, "\(added.stderr)")
    let json = try facility.shell(["report", "LT-CLOCK", "--format", "json", "--lang", "en"]).stdout
    #expect(json.contains(#""time_quality":[{"probe":"hongxuan/cold2-air","corrected":\#(corrected),"unsynced":0"#))
    let csv = try facility.shell(["report", "LT-CLOCK", "--format", "csv", "--lang", "en"]).stdout
    #expect(csv.hasPrefix("ts,local_time,site,room,sensor,temp_c,rh_pct,temp_status,rh_status,time_quality"))
    #expect(csv.split(separator: "\r\n").filter { $0.hasSuffix(",corrected") }.count == corrected)
    let text = try facility.shell(["report", "LT-CLOCK", "--lang", "en"]).stdout
    #expect(text.contains("Readings with a corrected or doubtful time") && text.contains("\(corrected) corrected"))
    let html = try facility.shell(["report", "LT-CLOCK", "--format", "html", "--lang", "en"]).stdout
    #expect(html.contains("Readings with a corrected or doubtful time"))
  }

  /// `env` with libfaketime preloaded (as `ClockSkewFaultTests` does), the clock moved by a fixed `offset` or by what
  /// `file` says (read again at most once a second, so a test can set the clock right while the agent runs). The
  /// boot-time and monotonic clocks are left alone, as NTP leaves them.
  static func fakeTime(offset: String? = nil, file: String? = nil) throws -> [String] {
    var launcher = try FaultSuite.ClockSkewFaultTests.fakeTime(offset ?? "+0")
    if let file {
      launcher.removeAll { $0.hasPrefix("FAKETIME=") }
      launcher += ["FAKETIME_TIMESTAMP_FILE=\(file)", "FAKETIME_CACHE_DURATION=1"]
    }
    return launcher
  }
}
