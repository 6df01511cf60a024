import ColdTraceSystem
import Foundation
import Logging
import Synchronization

/// Runs an operator's program for alert events (an SMS gateway, a Zalo or e-mail script): the events as JSON lines
/// on its standard input, grouped per room within a short window, so a power cut that trips forty probes is one
/// message, not forty.
///
/// Never blocks ingestion: events are queued and a worker thread runs the program, with a timeout (the program's
/// process is killed), retries with back-off, and failures logged.
public final class NotificationHook: Sendable {
  public struct Settings: Sendable {
    /// The program and its arguments (no shell).
    public var command: [String]
    public var groupingSeconds: Double = 5
    public var timeoutSeconds: Double = 20
    public var retries = 3
    public init(command: [String]) { self.command = command }
  }

  private struct Pending {
    var lines: [String] = []
    var firstAt: Date
  }

  let settings: Settings
  let logger: Logger
  private let queue = Mutex<[String: Pending]>([:])
  private let stopping = Atomic<Bool>(false)
  private let delivered = Atomic<Int>(0)
  private let abandoned = Atomic<Int>(0)

  public init(settings: Settings, logger: Logger) {
    self.settings = settings
    self.logger = logger
  }

  /// Number of successful runs of the program so far.
  public var deliveries: Int { delivered.load(ordering: .relaxed) }

  /// Number of notifications given up after every retry failed.
  public var failures: Int { abandoned.load(ordering: .relaxed) }

  /// Queues an event line for its room's next notification.
  public func notify(room: String, line: String) {
    queue.withLock { queue in
      queue[room, default: Pending(firstAt: Date())].lines.append(line)
    }
  }

  public func start() {
    let thread = Thread { [self] in
      while !stopping.load(ordering: .sequentiallyConsistent) {
        Thread.sleep(forTimeInterval: 0.2)
        for (room, lines) in due() { deliver(room: room, lines: lines) }
      }
      for (room, lines) in due(all: true) { deliver(room: room, lines: lines) }
    }
    thread.name = "coldtrace-notify"
    thread.start()
  }

  public func stop() { stopping.store(true, ordering: .sequentiallyConsistent) }

  private func due(all: Bool = false) -> [(String, [String])] {
    queue.withLock { queue in
      let ready = queue.filter { all || Date().timeIntervalSince($0.value.firstAt) >= settings.groupingSeconds }
      for room in ready.keys { queue.removeValue(forKey: room) }
      return ready.map { ($0.key, $0.value.lines) }.sorted { $0.0 < $1.0 }
    }
  }

  private func deliver(room: String, lines: [String]) {
    let input = Data((lines.joined(separator: "\n") + "\n").utf8)
    var attempt = 0
    while true {
      attempt += 1
      let failure = run(input: input)
      guard let failure else {
        delivered.add(1, ordering: .relaxed)
        return
      }
      guard attempt <= settings.retries, !stopping.load(ordering: .sequentiallyConsistent) else {
        logger.error("notification for \(room) (\(lines.count) events) failed for good: \(failure)")
        abandoned.add(1, ordering: .relaxed)
        return
      }
      let wait = min(2.0 * Double(attempt), 30)
      logger.warning("notification for \(room) failed (attempt \(attempt)): \(failure); retrying in \(wait) s")
      Thread.sleep(forTimeInterval: wait)
    }
  }

  /// Runs the program once; returns why it failed, or `nil`.
  func run(input: Data) -> String? {
    switch ChildProcess.run(settings.command, input: [UInt8](input), timeoutSeconds: settings.timeoutSeconds) {
    case .failedToStart(let reason):
      return "cannot start \(settings.command[0]): \(reason)"
    case .timedOut:
      return "timed out after \(Int(settings.timeoutSeconds)) s"
    case .finished(.exited(0), _, _):
      return nil
    case .finished(let termination, _, let errors):
      return "\(termination)" + (ChildProcess.firstLine(errors).map { ": \($0)" } ?? "")
    }
  }
}
