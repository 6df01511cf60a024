import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Set once, from a signal-waiting thread or anywhere else; read by loops that must end cleanly. A loop that sleeps
/// on a `WakeUpPipe` until its next due time gives it here, so it hears of the stop at once.
public final class StopFlag: Sendable {
  private let flag = Atomic<Bool>(false)
  private let wakeUp: WakeUpPipe?

  public init(waking wakeUp: WakeUpPipe? = nil) { self.wakeUp = wakeUp }

  public var isSet: Bool { flag.load(ordering: .sequentiallyConsistent) }

  public func set() {
    flag.store(true, ordering: .sequentiallyConsistent)
    wakeUp?.signal()
  }

  /// Sets the flag when SIGTERM or SIGINT arrives (call `SignalWaiter.blockTerminationSignals()` first), from a
  /// detached thread that waits for the signal.
  public func stopOnTerminationSignal() {
    let context = Unmanaged.passRetained(self).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(
      &thread, nil,
      { context in
        let flag = Unmanaged<StopFlag>.fromOpaque(context!).takeRetainedValue()
        SignalWaiter.waitForTermination()
        flag.set()
        return nil
      }, context)
    if started == 0 {
      pthread_detach(thread)
    } else {
      Unmanaged<StopFlag>.fromOpaque(context).release()
    }
  }
}
