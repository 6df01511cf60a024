import ColdTraceCore
import ColdTraceSystem
import Dispatch
import Synchronization

/// Reads every sensor at once, each on its own worker, so a failing or slow probe never delays the others: a round
/// takes as long as the slowest answer or the longest read timeout, whichever is shorter. A sensor whose read is a
/// computation (`Sensor.readsWithoutWaiting`: the simulations) is read on the calling thread instead.
///
/// A sensor that has not answered within its timeout is reported as `read timed out after N s`; its late answer is
/// discarded. Until that read returns, the sensor is reported busy and not read again, so a hung probe never piles up
/// reads. That state lives in each sensor's `SensorWorker`: every configured sensor (a `CalibratedSensor`) brings its
/// own, so a sampler is cheap to make for each round. A sensor without one gets a worker owned by this sampler.
public struct ConcurrentSampler {
  private let sensors: [any Sensor]
  private let workers: [SensorWorker]

  public init(_ sensors: [any Sensor], defaultTimeoutSeconds: Double = SensorOptions().readTimeoutSeconds) {
    self.sensors = sensors
    workers = sensors.map { sensor in
      (sensor as? any WorkerBackedSensor)?.worker
        ?? SensorWorker(label: "sensor \(sensor.id)", timeoutSeconds: defaultTimeoutSeconds)
    }
  }

  /// One value per sensor, in the sensors' order. The sampling thread sleeps until every answer has come (one
  /// wake-up for the whole round, not one per sensor) or until the earliest read timeout of those still missing.
  public func readAll(at time: Timestamp) -> [SensorValue] {
    let started = MonotonicClock.seconds()
    let answers = RoundAnswers(count: sensors.count)
    for (index, (sensor, worker)) in zip(sensors, workers).enumerated() where !sensor.readsWithoutWaiting {
      let reference = SensorReference(sensor)
      let running = worker.start({ reference.sensor.read(at: time) }, answer: { answers.give($0, for: index) })
      if !running {
        let seconds = JSONText.number(worker.timeoutSeconds)
        answers.give(.fault("not read: a read that timed out (after \(seconds) s) is still running"), for: index)
      }
    }
    // Computations (simulated probes) on this thread, while the workers read the devices.
    for (index, sensor) in sensors.enumerated() where sensor.readsWithoutWaiting {
      answers.give(sensor.read(at: time), for: index)
    }
    let deadlines = workers.map { started + $0.timeoutSeconds }
    var values = answers.current
    var timedOut = Set<Int>()
    while true {
      let now = MonotonicClock.seconds()
      let missing = values.indices.filter { values[$0] == nil && !timedOut.contains($0) }
      for index in missing where now >= deadlines[index] { timedOut.insert(index) }
      guard let earliest = missing.filter({ !timedOut.contains($0) }).map({ deadlines[$0] }).min() else { break }
      answers.wait(until: earliest)
      values = answers.current
    }
    return values.indices.map { index in
      if !timedOut.contains(index), let value = values[index] { return value }
      return .fault("read timed out after \(JSONText.number(workers[index].timeoutSeconds)) s")
    }
  }
}

/// A sensor that is read on its own `SensorWorker` (so its timeout and busy state outlive one sampling round).
public protocol WorkerBackedSensor: Sensor {
  var worker: SensorWorker { get }
}

/// Where one sensor is read: a serial dispatch queue of its own, the read timeout, and whether a read is still
/// running. It never starts a second read while one runs, so a sensor is only ever used by one thread at a time.
public final class SensorWorker: Sendable {
  public let timeoutSeconds: Double
  private let queue: DispatchQueue
  private let running = Mutex(false)

  public init(label: String, timeoutSeconds: Double) {
    self.timeoutSeconds = timeoutSeconds
    queue = DispatchQueue(label: "coldtrace.\(label)")
  }

  /// Whether a read (perhaps one that timed out) has not returned yet.
  public var isBusy: Bool { running.withLock { $0 } }

  /// Starts `read` on this worker and hands its value to `answer` (on the worker), unless a read is still running
  /// (then false).
  func start(
    _ read: @escaping @Sendable () -> SensorValue, answer: @escaping @Sendable (SensorValue) -> Void
  ) -> Bool {
    let started = running.withLock { running in
      if running { return false }
      running = true
      return true
    }
    guard started else { return false }
    queue.async {
      let value = read()
      self.running.withLock { $0 = false }
      answer(value)
    }
    return true
  }
}

/// The answers of one round as the workers give them; the sampling thread is woken once, when the last one comes.
final class RoundAnswers: Sendable {
  private let allGiven = DispatchSemaphore(value: 0)
  private let state: Mutex<(values: [SensorValue?], missing: Int)>

  init(count: Int) { state = Mutex((Array(repeating: nil, count: count), count)) }

  func give(_ value: SensorValue, for index: Int) {
    let last = state.withLock { state in
      state.values[index] = value
      state.missing -= 1
      return state.missing == 0
    }
    if last { allGiven.signal() }
  }

  /// The answers so far (`nil`: not yet).
  var current: [SensorValue?] { state.withLock { $0.values } }

  /// Sleeps until every answer has come, or until `deadline` (`MonotonicClock` seconds).
  func wait(until deadline: Double) {
    guard state.withLock({ $0.missing }) > 0 else { return }
    let remaining = max(0, deadline - MonotonicClock.seconds())
    if allGiven.wait(timeout: .now() + remaining) == .success { allGiven.signal() }  // later waits return at once
  }
}

/// Carries a sensor to its worker's queue. Safe because a `SensorWorker` runs one read at a time, so the sensor is
/// never used by two threads at once, and the sampling thread only touches its immutable `id` and `room`.
private struct SensorReference: @unchecked Sendable {
  let sensor: any Sensor
  init(_ sensor: any Sensor) { self.sensor = sensor }
}
