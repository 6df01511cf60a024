import ColdRoomSimulation
import ColdTraceCore
import ColdTraceMQTT
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceAgent

/// The running edge alarm on hand-made times (a manual clock's worth: real time for the link, event time for the
/// readings): when it speaks, what it drives, what it logs, and the limits it keeps across a restart.
struct EdgeAlarmTests {
  let directory: String
  let gpio: String
  let log = LogLines()
  let start = EdgeAlarmJudgeTests.start

  init() throws {
    directory = try TemporaryDirectory.make(prefix: "edge").path
    gpio = directory + "/gpio17-value"
    try "0\n".write(toFile: gpio, atomically: true, encoding: .utf8)
  }

  private func configuration(output: EdgeAlarmConfiguration.Output? = nil) -> AgentConfiguration {
    var configuration = AgentRunnerHarnessTests.configuration(stateDirectory: directory)
    configuration.sensors = [
      SensorConfiguration(id: "air", room: "cold2", driver: SimulatedDriver.name) { context in
        SimulatedSensor(id: "air", room: "cold2", model: SimpleColdRoom(start: context.start))
      }
    ]
    configuration.edgeAlarm = EdgeAlarmConfiguration(
      afterSeconds: 120, output: output ?? .gpio(path: gpio, activeLow: false))
    return configuration
  }

  private func alarm(output: EdgeAlarmConfiguration.Output? = nil) throws -> EdgeAlarm {
    let configuration = configuration(output: output)
    return try EdgeAlarm(
      settings: configuration.edgeAlarm!, configuration: configuration, logger: log.logger, now: start)
  }

  private var line: String { (try? String(contentsOfFile: gpio, encoding: .utf8)) ?? "missing" }

  /// Readings of `tempC` every minute from `from` to `to` (event time = real time here), the link as `connected`.
  private func play(_ alarm: EdgeAlarm, _ tempC: Double, minutes: ClosedRange<Int>, connected: Bool) {
    for minute in minutes {
      let time = start.adding(seconds: Double(minute) * 60)
      alarm.judge(sensor: "air", value: .values(tempC: tempC, rhPct: 92), at: time)
      alarm.update(now: time, connected: connected)
    }
  }

  @Test func theLineGoesToOneOnlyOnceTheBrokerIsOutOfReachForAfterMinutesAndBackToZeroWhenTheLinkReturns() throws {
    try "1\n".write(toFile: gpio, atomically: true, encoding: .utf8)
    let alarm = try alarm()
    alarm.receive([EdgeAlarmJudgeTests.litchi])
    #expect(line == "0\n", "a relay left on by a previous run is released at start")
    play(alarm, 12, minutes: 0...20, connected: true)
    #expect(line == "0\n", "past the limit for 20 min, but the collector speaks while the link is up")
    play(alarm, 12, minutes: 21...21, connected: false)
    #expect(line == "0\n", "last connected at minute 20: 1 min is not yet after_minutes (2)")
    play(alarm, 12, minutes: 22...22, connected: false)
    #expect(line == "1\n")
    play(alarm, 12, minutes: 23...23, connected: true)
    #expect(line == "0\n")
    #expect(log.contains("edge alarm ON: air in cold2: 12 °C above the critical 8 °C (litchi)"))
    #expect(log.contains("edge alarm off: the broker is reachable again"))
  }

  @Test func theLineGoesBackToZeroWhenTheProbeReturnsInsideWhileTheLinkIsStillDown() throws {
    let alarm = try alarm(output: .gpio(path: gpio, activeLow: true))
    alarm.receive([EdgeAlarmJudgeTests.litchi])
    #expect(line == "1\n", "active low: released is 1")
    play(alarm, 4, minutes: 0...5, connected: false)
    play(alarm, 10, minutes: 6...15, connected: false)
    #expect(line == "1\n", "past since minute 6: 9 min of the 10 min delay")
    play(alarm, 10, minutes: 16...16, connected: false)
    #expect(line == "0\n")
    play(alarm, 7.6, minutes: 17...17, connected: false)
    #expect(line == "0\n", "inside, not by the hysteresis")
    play(alarm, 7.4, minutes: 18...18, connected: false)
    #expect(line == "1\n")
    #expect(log.contains("edge alarm off: every probe is back inside its limits"))
  }

  @Test func withoutLimitsNothingAlarmsAndTheLogSaysWhy() throws {
    let alarm = try alarm()
    play(alarm, 20, minutes: 0...30, connected: false)
    #expect(line == "0\n")
    #expect(log.contains("no connection to the broker since"))
    #expect(log.count(of: "no limits known for room cold2") == 1, "once per outage")
  }

  @Test func theLimitsSurviveARestartAndAForeignSiteIsIgnored() throws {
    let first = try alarm()
    var other = EdgeAlarmJudgeTests.litchi
    other.site = "elsewhere"
    other.room = "cold9"
    first.receive([EdgeAlarmJudgeTests.litchi, other])
    #expect(first.limits.rooms.keys.sorted() == ["cold2"])

    let restarted = try alarm()
    #expect(restarted.limits.rooms["cold2"] == EdgeAlarmJudgeTests.litchi)
    play(restarted, 12, minutes: 0...12, connected: false)
    #expect(line == "1\n", "judged against the limits kept before the restart, with no broker")
  }

  @Test func aLimitsFileWithAnUnreadableLineKeepsTheOthers() throws {
    var file = try EdgeLimitsFile(directory: directory)
    #expect(try file.keep(EdgeAlarmJudgeTests.litchi))
    #expect(try !file.keep(EdgeAlarmJudgeTests.litchi), "the same limits again: nothing written")
    let handle = try #require(FileHandle(forWritingAtPath: file.path))
    handle.seekToEndOfFile()
    handle.write(Data("{\"v\":1,\"torn\n".utf8))
    try handle.close()
    let reloaded = try EdgeLimitsFile(directory: directory)
    #expect(reloaded.rooms["cold2"]?.profile == "litchi")
    #expect(reloaded.unreadableLines == 1)
  }

  @Test func theCommandGetsTheAlarmOnStandardInputAndAlarmInItsEnvironment() throws {
    let script = directory + "/edge-sms"
    let record = directory + "/record"
    try "#!/bin/sh\n{ echo \"ALARM=$ALARM\"; cat; echo; } >> \(record)\n".write(
      toFile: script, atomically: true, encoding: .utf8)
    chmod(script, 0o755)
    let alarm = try alarm(output: .command([script], timeoutSeconds: 5))
    alarm.receive([EdgeAlarmJudgeTests.litchi])
    play(alarm, 12, minutes: 0...12, connected: false)
    play(alarm, 5, minutes: 13...13, connected: false)
    let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 4, "one run on, one run off: \(lines)")
    #expect(lines.first == "ALARM=on")
    let on = try #require(lines.dropFirst().first.map(String.init))
    #expect(on.contains(#""alarm":"on","site":"hx","agent":"edge-1""#))
    #expect(on.contains(#""sensor":"air","room":"cold2","metric":"temp_c","side":"high","value":12,"critical":8"#))
    #expect(lines.dropFirst(2).first == "ALARM=off")
    #expect(lines.last?.contains(#""alarm":"off""#) == true && lines.last?.contains(#""alarms":[]"#) == true)
  }

  @Test func aFailingCommandIsLoggedAndNotRunAgainForTheSameAlarm() throws {
    let alarm = try alarm(output: .command(["/bin/false"], timeoutSeconds: 5))
    alarm.receive([EdgeAlarmJudgeTests.litchi])
    play(alarm, 12, minutes: 0...20, connected: false)
    #expect(log.count(of: "edge alarm: cannot turn the output on: false: exited with status 1") == 1)
  }
}

/// A log handler that keeps every message, for tests that check what is logged.
final class LogLines: Sendable {
  private let lines = Mutex<[String]>([])

  var logger: Logger {
    Logger(label: "edge-alarm-test") { _ in Handler(sink: self) }
  }

  func contains(_ text: String) -> Bool { lines.withLock { $0.contains { $0.contains(text) } } }
  func count(of text: String) -> Int { lines.withLock { $0.filter { $0.contains(text) }.count } }

  struct Handler: LogHandler {
    let sink: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      sink.lines.withLock { $0.append("\(event.message)") }
    }
  }
}
