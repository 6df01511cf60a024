import CMosquitto
import ColdTraceSystem
import Synchronization

/// Holds back everything the network thread would write, the PUBACKs first of all, while messages it handed to
/// another thread are not committed yet: libmosquitto queues a QoS 1 message's PUBACK before it calls the handler and
/// has no call to acknowledge later, but `NetworkLoop.serviceConnection` writes the queue itself, so it can wait.
///
/// The handler takes a hold (`ReceivedMessage.holdAcknowledgement`) for each message it hands on; the thread that
/// commits it releases the hold after the commit. While any hold is taken, the network thread goes on reading but
/// writes nothing; when the last one is released it is woken and writes everything queued, in order. Then every
/// message read so far is committed (or needed no commit), whichever connection it came on: holds are counted across
/// reconnects, so a message the broker sends again while its first copy still waits for the writer is not
/// acknowledged before that copy is committed.
///
/// What waits meanwhile: keep-alives (a hold longer than the keep-alive ends the connection, and the broker sends
/// the unacknowledged messages again, as it did when the network thread itself waited for a commit) and our own
/// publishes, for at most one commit. The broker sends at most Receive Maximum messages ahead of our PUBACKs
/// (`ClientOptions.receiveMaximum`), which bounds what one hold gathers (docs/mqtt-facts.md, "Flow control").
final class AcknowledgementGate: Sendable {
  /// Holds taken and not released, all connections told.
  private let pending = Atomic<Int>(0)
  /// Whether the network thread is in the loop that can hold its writes (plain TCP after the CONNACK); set by it.
  private let canHold = Atomic<Bool>(false)
  /// Wakes the network thread when the last hold is released.
  private let wakeUp: WakeUpPipe?
  /// Told when the network thread has read everything that arrived and waits for the holds (see `whileHeld`).
  private let onWaiting = Mutex<(@Sendable () -> Void)?>(nil)

  init(wakeUp: WakeUpPipe?) { self.wakeUp = wakeUp }

  /// Whether some message handed on is not committed yet: nothing may be written.
  var isHolding: Bool { pending.load(ordering: .sequentiallyConsistent) > 0 }

  /// Set by the network thread around the loops it runs: only `serviceConnection` can hold its writes.
  func allowHolds(_ allowed: Bool) { canHold.store(allowed, ordering: .relaxed) }

  /// A hold on the queued packets, or `nil` when this loop cannot hold them (TLS, no wake-up pipe, a connection being
  /// set up): then the caller must commit before returning.
  func hold() -> AcknowledgementHold? {
    guard canHold.load(ordering: .relaxed) else { return nil }
    pending.add(1, ordering: .sequentiallyConsistent)
    return AcknowledgementHold(gate: self)
  }

  fileprivate func release() {
    let left = pending.subtract(1, ordering: .sequentiallyConsistent).newValue
    precondition(left >= 0, "an acknowledgement hold was released twice")
    if left == 0 { wakeUp?.signal() }
  }

  /// The network thread has read all that arrived and waits for the holds to be released.
  func networkWaits() { onWaiting.withLock { $0 }?() }

  func whileHeld(_ handler: (@Sendable () -> Void)?) { onWaiting.withLock { $0 = handler } }

  /// Waits (network thread, stopping) until no hold is taken, at most `seconds`: whether none is.
  func waitUntilReleased(seconds: Double) -> Bool {
    if isHolding { networkWaits() }  // nothing more is read meanwhile
    let deadline = MonotonicClock.seconds() + seconds
    while isHolding {
      let remaining = deadline - MonotonicClock.seconds()
      guard remaining > 0 else { return false }
      if let wakeUp { wakeUp.wait(seconds: min(remaining, 0.05)) } else { return false }
    }
    return true
  }
}

/// A received message's PUBACK held back until the message is committed: release it exactly once, after the commit
/// (never before, and never for a message that was not kept: an unreleased hold only delays the connection's writes
/// until the broker sends the message again).
public struct AcknowledgementHold: Sendable {
  fileprivate let gate: AcknowledgementGate

  /// The message is committed: its PUBACK may leave once every other hold is released too.
  public func release() { gate.release() }
}

extension ReceivedMessage {
  /// Holds this message's PUBACK, and everything the client writes after it, until the hold is released; `nil` when
  /// the client cannot (TLS, a QoS 0 message, an in-memory transport): then commit it before the handler returns.
  public func holdAcknowledgement() -> AcknowledgementHold? {
    guard qos > 0 else { return nil }
    return acknowledgementGate?.hold()
  }
}

extension MosquittoClient {
  /// `handler` runs on the network thread each time it has read everything that arrived while a hold is taken: the
  /// committer should commit what it holds now rather than wait for more (the broker sends nothing more until the
  /// PUBACKs leave, once the receive window is full).
  public func whileAcknowledgementsHeld(_ handler: (@Sendable () -> Void)?) {
    acknowledgementGate.whileHeld(handler)
  }

  /// `ClientOptions.receiveMaximum`, announced in CONNECT (MQTT 5 only).
  func configureReceiveMaximum() -> Int32 {
    guard let maximum = options.receiveMaximum, options.protocolVersion == .v5 else { return MOSQ_ERR_SUCCESS.rawValue }
    return mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, Int32(maximum))
  }
}
