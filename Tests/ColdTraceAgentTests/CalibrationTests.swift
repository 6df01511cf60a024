import ColdTraceAgent
import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem
import Foundation
import Synchronization
import Testing

/// A probe that answers from a script of values, one per read (the last one repeats), counting its reads.
private final class ScriptedSensor: Sensor, Sendable {
  let id = "scripted"
  let room = "cold2"
  private let script: [SensorValue]
  private let reads = Mutex(0)
  private let delaySeconds: Double

  init(_ script: [SensorValue], delaySeconds: Double = 0) {
    self.script = script
    self.delaySeconds = delaySeconds
  }

  var readCount: Int { reads.withLock { $0 } }

  func read(at time: Timestamp) -> SensorValue {
    let index = reads.withLock { count in
      count += 1
      return count - 1
    }
    if delaySeconds > 0 { Thread.sleep(forTimeInterval: delaySeconds) }
    return script[min(index, script.count - 1)]
  }
}

@Suite("calibration, retries and physical ranges")
struct CalibrationTests {
  private func options(_ table: String) throws -> SensorOptions {
    try SensorOptions(ConfigTable(path: "agent.toml", text: table))
  }

  /// Why the options in `table` are refused, or "accepted".
  private func problem(_ table: String) -> String {
    do {
      _ = try options(table)
      return "accepted"
    } catch {
      return "\(error)"
    }
  }

  private func calibrated(_ value: SensorValue, _ table: String) throws -> SensorValue {
    try CalibratedSensor(wrapping: ScriptedSensor([value]), options: options(table)).read(at: SysfsFixtures.time)
  }

  @Test func theDefaultsChangeNothing() throws {
    let defaults = try options("")
    #expect(defaults == SensorOptions())
    #expect(defaults.readTimeoutSeconds == 5)
    #expect(defaults.retries == 2)
    #expect(try calibrated(.values(tempC: 3.4, rhPct: 91), "") == .values(tempC: 3.4, rhPct: 91))
  }

  @Test func offsetsAreAdded() throws {
    let value = try calibrated(.values(tempC: 3.4, rhPct: 91), "offset_c = -0.4\noffset_rh = 2.5")
    #expect(isNear(value.tempC, 3.0))
    #expect(isNear(value.rhPct, 93.5))
  }

  @Test func twoPointCalibrationMapsRawToTrueLinearly() throws {
    // Reads 0.4 in an ice bath and 40.3 in a 40 °C bath: 20 raw is (20 - 0.4) × 40 / 39.9 = 19.6491 true.
    let table = "calibration_c = [[0.4, 0.0], [40.3, 40.0]]"
    #expect(isNear(try calibrated(.values(tempC: 0.4, rhPct: nil), table).tempC, 0))
    #expect(isNear(try calibrated(.values(tempC: 40.3, rhPct: nil), table).tempC, 40))
    #expect(isNear(try calibrated(.values(tempC: 20, rhPct: nil), table).tempC, 19.6491))
    #expect(isNear(try calibrated(.values(tempC: 3.2, rhPct: nil), table + "\noffset_c = 0.1").tempC, 2.9070))
  }

  @Test func twoPointCalibrationRejectsUnusablePoints() throws {
    #expect(problem("calibration_c = [[3.0, 0.0], [3.0, 100.0]]").contains("has the same raw value twice (3)"))
    #expect(problem("calibration_c = [[0.0, 100.0], [100.0, 0.0]]").contains("maps a higher raw value to a lower"))
    #expect(problem("calibration_c = [[0.4, 0.0]]").contains("must be [[raw_low, true_low], [raw_high, true_high]]"))
    #expect(problem("calibration_c = [0.4, 0.0]").contains("must be an array of arrays of numbers"))
    #expect(problem("offset_c = 80").contains("`offset_c` must be -50…50"))
    #expect(problem("retries = 11").contains("`retries` must be 0…10"))
    #expect(problem("read_timeout_seconds = 0").contains("`read_timeout_seconds` must be 0.1…600"))
  }

  @Test func valuesOutsidePhysicalRangesAfterCalibrationAreFaults() throws {
    #expect(
      try calibrated(.values(tempC: 3.4, rhPct: 99), "offset_rh = 2.5")
        == .fault(
          "humidity 101.5 % after calibration (raw 99 %) is outside the physical range 0…100 %; "
            + "check the probe and its calibration"))
    #expect(
      try calibrated(.values(tempC: 127.5, rhPct: nil), "")
        == .fault(
          "temperature 127.5 °C is outside the physical range -80…85 °C; check the probe and its calibration"))
  }

  @Test func aFailedReadIsRetriedUntilItSucceeds() {
    let probe = ScriptedSensor([.fault("x: CRC failed"), .fault("x: CRC failed"), .values(tempC: 3.4, rhPct: nil)])
    var options = SensorOptions()
    options.retries = 2
    let sensor = CalibratedSensor(wrapping: probe, options: options, retryPauseSeconds: 0)
    #expect(sensor.read(at: SysfsFixtures.time) == .values(tempC: 3.4, rhPct: nil))
    #expect(probe.readCount == 3)
  }

  @Test func theFaultSaysHowManyAttemptsFailed() {
    let probe = ScriptedSensor([.fault("x: CRC failed")])
    var options = SensorOptions()
    options.retries = 1
    let sensor = CalibratedSensor(wrapping: probe, options: options, retryPauseSeconds: 0)
    #expect(sensor.read(at: SysfsFixtures.time) == .fault("x: CRC failed; tried 2 times"))
    options.retries = 0
    let once = CalibratedSensor(wrapping: ScriptedSensor([.fault("x: CRC failed")]), options: options)
    #expect(once.read(at: SysfsFixtures.time) == .fault("x: CRC failed"))
  }

  @Test func retriesStopAtTheReadTimeout() {
    // Each read takes 0.2 s; a 0.5 s budget leaves room for at most three, however many retries are allowed.
    let probe = ScriptedSensor([.fault("x: Connection timed out")], delaySeconds: 0.2)
    var options = SensorOptions()
    options.retries = 10
    options.readTimeoutSeconds = 0.5
    let value = CalibratedSensor(wrapping: probe, options: options, retryPauseSeconds: 0).read(at: SysfsFixtures.time)
    #expect(probe.readCount <= 3)
    #expect(value == .fault("x: Connection timed out; tried \(probe.readCount) times"))
  }

  @Test func thePauseBeforeARetryCountsAgainstTheReadTimeout() {
    // Reads fail at once; after the first, a 0.4 s pause still ends within the 0.5 s budget, after the second it
    // would not: two reads, however many retries are allowed.
    let probe = ScriptedSensor([.fault("x: CRC failed")])
    var options = SensorOptions()
    options.retries = 10
    options.readTimeoutSeconds = 0.5
    let value = CalibratedSensor(wrapping: probe, options: options, retryPauseSeconds: 0.4).read(at: SysfsFixtures.time)
    #expect(probe.readCount == 2)
    #expect(value == .fault("x: CRC failed; tried 2 times"))
  }

  @Test func everyDriverTakesTheCommonOptions() throws {
    let sensor = try configuredSensor(
      """
      id = "cold2-air"
      room = "cold2"
      driver = "hwmon"
      chip = "sht3x"
      offset_c = 0.5
      offset_rh = -1
      read_timeout_seconds = 2
      retries = 0
      """, sysfsRoot: SysfsFixtures.pi)
    let calibrated = try #require(sensor as? CalibratedSensor)
    #expect(calibrated.options.retries == 0)
    #expect(calibrated.worker.timeoutSeconds == 2)
    let value = sensor.read(at: SysfsFixtures.time)
    #expect(isNear(value.tempC, 4.012))
    #expect(isNear(value.rhPct, 89.85))
    #expect(
      try #require(sensorConfigError("id = \"a\"\nroom = \"b\"\ndriver = \"simulated\"\noffset_c = 0.2\nretry = 1"))
        .contains("unknown key `sensor[1].retry`"))
  }
}
