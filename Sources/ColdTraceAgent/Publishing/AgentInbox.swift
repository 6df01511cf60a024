import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Synchronization

/// What the network thread hands to the sampling thread: reconnections, the collector's acknowledgements, the rooms'
/// limits for the edge alarm, and a site broker's bridge state. Connections, limits, bridge states and lost
/// connections wake the sampling thread (`wakeUp`),
/// which sleeps until its next due time otherwise; acknowledgements wake it only while it drains before stopping, and
/// the broker's PUBACKs only while a backlog waits for room in its window. Otherwise an acknowledgement waits for the
/// next pass: it changes nothing the sampling thread must do before its next due time (the next round, or the
/// re-send check, which reads it first), and waking for it cost a pass a round.
final class AgentInbox: Sendable {
  private struct Content {
    var connections = 0
    var watermarks: [String: Int64] = [:]
    var limits: [LimitsMessage] = []
    var linkLostAt: Timestamp?
    /// The latest link state of the site broker's bridge (`coldtrace/v1/bridge/<site>`), until taken.
    var bridgeUp: Bool?
  }

  private let content = Mutex(Content())
  /// This install (`Incarnation`): acknowledgements naming another count a former install's samples.
  let incarnation: String
  /// What the sampling thread sleeps on (`nil`: nobody sleeps, as in a test of the inbox alone).
  let wakeUp: WakeUpPipe?
  private let wakesOnPublishCompletion = Atomic<Bool>(false)
  private let wakesOnAcknowledgement = Atomic<Bool>(false)

  init(incarnation: String, wakeUp: WakeUpPipe? = nil) {
    self.incarnation = incarnation
    self.wakeUp = wakeUp
  }

  /// What became of an acknowledgement payload.
  enum AcknowledgementReceipt: Equatable {
    case applied
    case malformed
    /// It names another incarnation (a former install of this agent): its watermarks say nothing of our samples.
    case otherIncarnation(String)
  }

  func noteConnected() {
    content.withLock { $0.connections += 1 }
    wakeUp?.signal()
  }

  /// The link went down, or a connect failed, at `time` (wall clock): the edge alarm measures an outage from when the
  /// link was last up, not from the sampling thread's last pass, which may be a whole interval earlier.
  func noteDisconnected(at time: Timestamp) {
    content.withLock { $0.linkLostAt = time }
    wakeUp?.signal()
  }

  /// A QoS 1 publish completed (PUBACK, refusal or abandon): wakes the sampling thread only while it asked to be
  /// (`wakeOnPublishCompletion`), so live samples' PUBACKs cost no wake-up.
  func notePublishCompleted() {
    if wakesOnPublishCompletion.load(ordering: .sequentiallyConsistent) { wakeUp?.signal() }
  }

  /// Set while the backlog waits for room in the in-flight window, or the agent waits for the broker's last PUBACKs.
  /// Set it before looking at the in-flight count: a completion in between then wakes the next wait.
  func wakeOnPublishCompletion(_ wanted: Bool) {
    wakesOnPublishCompletion.store(wanted, ordering: .sequentiallyConsistent)
  }

  /// Set while the agent drains its outbox before stopping: it stops as soon as the collector confirms everything.
  func wakeOnAcknowledgement(_ wanted: Bool) {
    wakesOnAcknowledgement.store(wanted, ordering: .sequentiallyConsistent)
  }

  /// Reads an ack payload (`AcknowledgementMessage`) and keeps the highest watermark per sensor, unless it names
  /// another incarnation. One without `inc` (from a collector that does not know incarnations) is applied.
  func receiveAcknowledgement(_ payload: UnsafeRawBufferPointer) -> AcknowledgementReceipt {
    guard let message = AcknowledgementMessage.decode(payload) else { return .malformed }
    if let named = message.incarnation, named != incarnation { return .otherIncarnation(named) }
    content.withLock { content in
      for (sensor, watermark) in message.watermarks {
        content.watermarks[sensor] = max(content.watermarks[sensor] ?? 0, watermark)
      }
    }
    if wakesOnAcknowledgement.load(ordering: .sequentiallyConsistent) { wakeUp?.signal() }
    return .applied
  }

  /// Reads a room's limits (`LimitsMessage`) and keeps them for the sampling thread.
  func receiveLimits(_ payload: UnsafeRawBufferPointer) -> Bool {
    guard let message = LimitsMessage.decode(payload) else { return false }
    content.withLock { $0.limits.append(message) }
    wakeUp?.signal()
    return true
  }

  /// Reads the site broker's bridge state, `1` (connected to the central broker) or `0` (down), and keeps the latest
  /// for the sampling thread, which it wakes: a `1` restarts the acknowledgement timer at once.
  func receiveBridgeState(_ payload: UnsafeRawBufferPointer) -> Bool {
    guard payload.count == 1, payload[0] == UInt8(ascii: "0") || payload[0] == UInt8(ascii: "1") else { return false }
    let up = payload[0] == UInt8(ascii: "1")
    content.withLock { $0.bridgeUp = up }
    wakeUp?.signal()
    return true
  }

  /// The bridge state received since the last call, if one was.
  func takeBridgeState() -> Bool? {
    content.withLock { content in
      defer { content.bridgeUp = nil }
      return content.bridgeUp
    }
  }

  /// Everything received since the last call.
  func take() -> (connections: Int, watermarks: [String: Int64], limits: [LimitsMessage], linkLostAt: Timestamp?) {
    content.withLock { content in
      defer { content = Content(bridgeUp: content.bridgeUp) }  // taken on its own (`takeBridgeState`)
      return (content.connections, content.watermarks, content.limits, content.linkLostAt)
    }
  }
}
