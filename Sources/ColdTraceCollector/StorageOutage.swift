import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Logging

/// One spell of storage that cannot commit (disk full, database locked): logged loudly once when it starts and once
/// when storage works again, not on every retry, with a back-off between retries.
struct StorageOutage {
  let logger: Logger
  let clock: any ServiceClock
  private var since: Timestamp?
  private var attempts = 0

  init(logger: Logger, clock: any ServiceClock) {
    self.logger = logger
    self.clock = clock
  }

  /// Back-off before the next try: 0.2 s doubling to 5 s.
  var retryWaitSeconds: Double { min(0.1 * Double(1 << min(attempts, 8)), 5) }

  mutating func failed(_ error: any Error) {
    attempts += 1
    guard since == nil else { return }
    since = clock.now()
    let message =
      "cannot store readings (\(SQLiteStore.summary(of: error))); not acknowledging anything until storage "
      + "works: the broker and the agents keep the readings meanwhile; retrying every few seconds"
    logger.critical("\(message)")
  }

  mutating func ended() {
    guard let since else { return }
    let seconds = Int(clock.now().seconds(since: since).rounded())
    logger.notice("storage works again after \(seconds) s and \(attempts) retries; acknowledging readings again")
    self.since = nil
    attempts = 0
  }
}
