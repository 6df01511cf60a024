import ColdTraceAgent
import ColdTraceCore
import Foundation
import Synchronization
import TestSupport
import Testing

/// A probe that takes `seconds` to answer, counting the reads it has started.
private final class SlowSensor: Sensor, Sendable {
  let id: String
  let room = "cold2"
  let seconds: Double
  let value: SensorValue
  private let reads = Mutex(0)

  init(id: String, seconds: Double, value: SensorValue = .values(tempC: 3.4, rhPct: 90)) {
    self.id = id
    self.seconds = seconds
    self.value = value
  }

  var readCount: Int { reads.withLock { $0 } }

  func read(at time: Timestamp) -> SensorValue {
    reads.withLock { $0 += 1 }
    if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
    return value
  }
}

@Suite("concurrent sampling")
struct ConcurrentSamplerTests {
  private func withTimeout(_ sensor: any Sensor, _ seconds: Double) -> CalibratedSensor {
    var options = SensorOptions()
    options.readTimeoutSeconds = seconds
    return CalibratedSensor(wrapping: sensor, options: options)
  }

  @Test func aSlowProbeDoesNotDelayAFastOne() {
    let slow = SlowSensor(id: "slow", seconds: 3)
    let fast = SlowSensor(id: "fast", seconds: 0, value: .values(tempC: -18.5, rhPct: nil))
    let sensors = [withTimeout(slow, 0.3), withTimeout(fast, 0.3)]
    let started = Date()
    let values = ConcurrentSampler(sensors).readAll(at: SysfsFixtures.time)
    let elapsed = Date().timeIntervalSince(started)
    #expect(values == [.fault("read timed out after 0.3 s"), .values(tempC: -18.5, rhPct: nil)])
    #expect(elapsed / slow.seconds < 0.5, "the round took \(elapsed) s; the slow probe takes \(slow.seconds) s")
  }

  @Test func aProbeStillBusyFromATimeoutIsNotReadAgainUntilItAnswers() {
    let slow = SlowSensor(id: "slow", seconds: 1)
    let sensor = withTimeout(slow, 0.1)
    #expect(ConcurrentSampler([sensor]).readAll(at: SysfsFixtures.time) == [.fault("read timed out after 0.1 s")])
    // A new sampler, as the agent makes each round: the busy state lives with the sensor.
    #expect(
      ConcurrentSampler([sensor]).readAll(at: SysfsFixtures.time)
        == [.fault("not read: a read that timed out (after 0.1 s) is still running")])
    #expect(slow.readCount == 1)
    #expect(eventually(timeout: 10) { !sensor.worker.isBusy })
    #expect(ConcurrentSampler([sensor]).readAll(at: SysfsFixtures.time) == [.fault("read timed out after 0.1 s")])
    #expect(slow.readCount == 2)
  }

  @Test func probesAreReadInParallelAndAnswersKeepTheirOrder() {
    let probes = (0..<8).map { SlowSensor(id: "p\($0)", seconds: 0.4, value: .values(tempC: Double($0), rhPct: nil)) }
    let started = Date()
    let values = ConcurrentSampler(probes.map { withTimeout($0, 5) }).readAll(at: SysfsFixtures.time)
    let elapsed = Date().timeIntervalSince(started)
    #expect(values == (0..<8).map { .values(tempC: Double($0), rhPct: nil) })
    #expect(elapsed / (0.4 * 8) < 0.5, "8 reads of 0.4 s took \(elapsed) s")
  }

  @Test func aSensorWithoutItsOwnWorkerGetsTheDefaultTimeout() {
    let values = ConcurrentSampler([SlowSensor(id: "slow", seconds: 2)], defaultTimeoutSeconds: 0.2)
      .readAll(at: SysfsFixtures.time)
    #expect(values == [.fault("read timed out after 0.2 s")])
  }
}
