import Foundation
import Synchronization

/// Set once, from a signal-waiting thread or anywhere else; polled by loops that must end cleanly.
public final class StopFlag: Sendable {
  private let flag = Atomic<Bool>(false)

  public init() {}

  public var isSet: Bool { flag.load(ordering: .sequentiallyConsistent) }

  public func set() { flag.store(true, ordering: .sequentiallyConsistent) }

  /// Sets the flag when SIGTERM or SIGINT arrives (call `SignalWaiter.blockTerminationSignals()` first).
  public func stopOnTerminationSignal() {
    let thread = Thread { [self] in
      SignalWaiter.waitForTermination()
      self.set()
    }
    thread.start()
  }
}
