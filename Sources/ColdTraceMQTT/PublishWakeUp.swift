import CMosquitto
import ColdTraceSystem
import Synchronization

/// How a publish from another thread reaches the network thread (`NetworkLoop.serviceConnection`): a signal on its
/// wake-up pipe for each packet, or, inside `together`, one signal when the whole batch is queued.
///
/// A round of 10 readings then costs the network thread one wake-up, and it finds all 10 packets queued, so it writes
/// them in one corked burst (one TCP segment), where a signal per packet woke it for each message and sent each in a
/// segment of its own (benchmarks/README.md, "The agent at rest").
final class PublishWakeUp: Sendable {
  /// The network thread's pipe (`nil` when the process had no descriptor left: `mosquitto_loop` then runs alone).
  let pipe: WakeUpPipe?
  /// How many `together` calls are running; while any is, a publish only notes that a signal is owed.
  private let holders = Atomic<Int>(0)
  private let owed = Atomic<Bool>(false)
  /// Packets queued since the network thread last took the count: more than one are written corked.
  private let queued = Atomic<Int>(0)

  init(pipe: WakeUpPipe?) { self.pipe = pipe }

  /// A packet was queued in libmosquitto: wake the network thread now, or when the batch closes.
  func packetQueued() {
    queued.add(1, ordering: .sequentiallyConsistent)
    guard holders.load(ordering: .sequentiallyConsistent) > 0 else {
      pipe?.signal()
      return
    }
    owed.store(true, ordering: .sequentiallyConsistent)
    // The batch may have closed between the look and the note: then nobody else will signal.
    if holders.load(ordering: .sequentiallyConsistent) == 0 && owed.exchange(false, ordering: .sequentiallyConsistent) {
      pipe?.signal()
    }
  }

  /// Runs `body`; the packets it queues wake the network thread once, when it returns (or throws).
  func together<Result>(_ body: () throws -> Result) rethrows -> Result {
    holders.add(1, ordering: .sequentiallyConsistent)
    defer {
      if holders.subtract(1, ordering: .sequentiallyConsistent).newValue == 0
        && owed.exchange(false, ordering: .sequentiallyConsistent)
      {
        pipe?.signal()
      }
    }
    return try body()
  }

  /// The packets queued since the last call (network thread).
  func takeQueued() -> Int { queued.exchange(0, ordering: .sequentiallyConsistent) }
}

extension MosquittoClient {
  /// Runs `body`, whose publishes wake the network thread once, when it returns: a round's readings leave in one
  /// burst. Meant for a thread that publishes several messages in a row (the agent's sampling thread).
  public func publishingTogether<Result>(_ body: () throws -> Result) rethrows -> Result {
    try publishWakeUp.together(body)
  }

  /// Whether the connection's socket is corked now (`nil` when not connected); see `NetworkLoop.serviceConnection`.
  var socketIsCorked: Bool? { NetworkLoop.isCorked(mosquitto_socket(handle)) }
}
