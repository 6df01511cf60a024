#if canImport(Glibc)
  import Glibc
#endif

/// Waits for SIGTERM or SIGINT, the way a service under systemd is told to stop.
///
/// Call `blockTerminationSignals()` first thing in `main`, before any thread starts, so every thread inherits the mask
/// and the signal is delivered to `waitForTermination()` only.
public enum SignalWaiter {
  public static func blockTerminationSignals() {
    var set = terminationSet()
    pthread_sigmask(SIG_BLOCK, &set, nil)
  }

  /// Blocks until SIGTERM or SIGINT arrives; returns its number.
  @discardableResult
  public static func waitForTermination() -> Int32 {
    var set = terminationSet()
    var signal: Int32 = 0
    while sigwait(&set, &signal) != 0 {}
    return signal
  }

  private static func terminationSet() -> sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    return set
  }
}
