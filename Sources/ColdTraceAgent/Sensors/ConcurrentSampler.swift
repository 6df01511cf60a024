import ColdTraceCore
import ColdTraceSystem
import Dispatch
import Synchronization

/// Reads every sensor at once, each on its own worker, so a failing or slow probe never delays the others: a round
/// takes as long as the slowest answer or the longest read timeout, whichever is shorter.
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

  /// One value per sensor, in the sensors' order.
  public func readAll(at time: Timestamp) -> [SensorValue] {
    let started = MonotonicClock.seconds()
    let pending = zip(sensors, workers).map { sensor, worker in
      let reference = SensorReference(sensor)
      return worker.start { reference.sensor.read(at: time) }
    }
    return zip(pending, workers).map { read, worker in
      let seconds = JSONText.number(worker.timeoutSeconds)
      guard let read else {
        return .fault("not read: a read that timed out (after \(seconds) s) is still running")
      }
      let deadline = started + worker.timeoutSeconds
      return read.wait(until: deadline) ?? .fault("read timed out after \(seconds) s")
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

  /// Starts `read` on this worker, unless a read is still running (then `nil`).
  func start(_ read: @escaping @Sendable () -> SensorValue) -> PendingRead? {
    let started = running.withLock { running in
      if running { return false }
      running = true
      return true
    }
    guard started else { return nil }
    let pending = PendingRead()
    queue.async {
      let value = read()
      self.running.withLock { $0 = false }
      pending.fulfil(value)
    }
    return pending
  }
}

/// The answer to one read, once the worker has it.
final class PendingRead: Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let value = Mutex<SensorValue?>(nil)

  func fulfil(_ answer: SensorValue) {
    value.withLock { $0 = answer }
    done.signal()
  }

  /// The answer, or `nil` if it has not come by `deadline` (`MonotonicClock` seconds).
  func wait(until deadline: Double) -> SensorValue? {
    let remaining = max(0, deadline - MonotonicClock.seconds())
    guard done.wait(timeout: .now() + remaining) == .success else { return nil }
    return value.withLock { $0 }
  }
}

/// Carries a sensor to its worker's queue. Safe because a `SensorWorker` runs one read at a time, so the sensor is
/// never used by two threads at once, and the sampling thread only touches its immutable `id` and `room`.
private struct SensorReference: @unchecked Sendable {
  let sensor: any Sensor
  init(_ sensor: any Sensor) { self.sensor = sensor }
}
