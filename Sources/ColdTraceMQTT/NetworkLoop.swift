import CMosquitto
import ColdTraceSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The client's network thread: connects, runs libmosquitto's loop, and supervises it.
///
/// This replaces `mosquitto_loop_start`, whose thread ends silently on some errors (auth refusal under v5, TLS errors,
/// protocol errors) and never connects when the broker is down at start (docs/mqtt-facts.md). Every failure is reported
/// with its reason and followed by a reconnect after an exponential, jittered back-off, until `stop()`.
///
/// The loop holds its client strongly while it runs (the client's deinit can never race the thread); `stop()` is the
/// only way to end it. `start()` and `stop()` are called once each, serialised by the client's lifecycle lock.
final class NetworkLoop: @unchecked Sendable {
  private let client: MosquittoClient
  private let stopping = Atomic<Bool>(false)
  private var thread = pthread_t()
  private var running = false
  /// Whether libmosquitto's log callback is set (network thread only).
  private var listeningForTLSFailures = false
  /// Whether a write was skipped for an acknowledgement hold since the last write (network thread only).
  private var writesHeld = false

  init(client: MosquittoClient) { self.client = client }

  func start() {
    let context = Unmanaged.passRetained(self).toOpaque()
    let rc = pthread_create(
      &thread, nil,
      { context in
        let loop = Unmanaged<NetworkLoop>.fromOpaque(context!).takeRetainedValue()
        loop.run()
        return nil
      }, context)
    if rc != 0 {
      Unmanaged<NetworkLoop>.fromOpaque(context).release()
      client.report(
        .failed(reason: "cannot start the MQTT network thread: \(errnoDescription(rc))", retryIn: 0))
      return
    }
    running = true
  }

  /// Asks the thread to disconnect and end, and waits for it. The thread itself sends DISCONNECT, so a stop that
  /// arrives mid-connect cannot leave a connection open behind it.
  func stop() {
    guard running else { return }
    precondition(pthread_equal(pthread_self(), thread) == 0, "MosquittoClient.stop() called from its own callback")
    stopping.store(true, ordering: .sequentiallyConsistent)
    client.wakeUp?.signal()  // out of poll() now, not at its timeout
    pthread_join(thread, nil)
    running = false
  }

  /// libmosquitto's log is read only while a TLS connection is being set up: it names why a handshake failed
  /// (`TLSDiagnosis`), and once connected a log callback would cost a formatted line per packet.
  private func listenForTLSFailures(_ on: Bool) {
    guard client.options.broker.usesTLS else { return }
    if on { client.resetTLSDiagnosis() }  // each attempt says only what it met
    guard on != listeningForTLSFailures else { return }
    MosquittoCallbacks.setLogging(on, on: client.handle)
    listeningForTLSFailures = on
  }

  private var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

  private func run() {
    let options = client.options
    let handle = client.handle
    var delay = options.reconnectDelayMin
    var needsConnect = true
    let gate = client.acknowledgementGate
    while !isStopping {
      if needsConnect {
        // What the last connection handed on is committed first: its messages come again on the new one, and a copy
        // dropped as a repeat must not be acknowledged while the first still waits (`AcknowledgementGate`).
        if gate.isHolding {
          _ = gate.waitUntilReleased(seconds: 0.5)
          continue
        }
        listenForTLSFailures(true)
        let rc = connect()
        if rc != MOSQ_ERR_SUCCESS.rawValue {
          client.report(
            .failed(reason: "connect to \(options.broker): \(client.describeFailure(rc))", retryIn: delay))
          pause(seconds: delay)
          delay = nextDelay(after: delay)
          continue
        }
        needsConnect = false
      }
      let wakeUp = options.broker.usesTLS || !client.isConnected ? nil : client.wakeUp
      gate.allowHolds(wakeUp != nil)  // only serviceConnection can hold its writes
      let rc = if let wakeUp { serviceConnection(handle, wakeUp: wakeUp) } else { mosquitto_loop(handle, 500, 1) }
      if rc == MOSQ_ERR_SUCCESS.rawValue {
        if client.isConnected {
          delay = options.reconnectDelayMin
          listenForTLSFailures(false)
        }
        continue
      }
      if isStopping { break }
      client.report(
        .failed(reason: "connection to \(options.broker): \(client.describeFailure(rc))", retryIn: delay))
      client.connectionEnded()  // libmosquitto may not have said so (a failed poll)
      pause(seconds: delay)
      delay = nextDelay(after: delay)
      needsConnect = true
    }
    // Say goodbye properly, so the broker does not publish our will; the select() timeout bounds how long this takes.
    // Not before the writer has committed what it holds: if it cannot, leave unacknowledged (the broker sends it again).
    gate.allowHolds(false)
    if gate.waitUntilReleased(seconds: 10) {
      settleBeforeDisconnect(handle)
    } else if mosquitto_socket(handle) >= 0 {
      shutdown(mosquitto_socket(handle), Int32(SHUT_RDWR))
    }
    mosquitto_disconnect(handle)
    var rounds = 20
    while mosquitto_socket(handle) >= 0 && rounds > 0 {
      if mosquitto_loop(handle, 100, 1) != MOSQ_ERR_SUCCESS.rawValue { break }
      rounds -= 1
    }
  }

  /// Before DISCONNECT: lets the broker acknowledge what we published (at most about a second), then makes sure
  /// nothing it sent is left unread. libmosquitto closes the socket right after writing DISCONNECT, and closing a
  /// socket with unread data makes the kernel reset the connection; a broker that sees the reset before reading our
  /// last packets drops them, the DISCONNECT included, and publishes our will over the status we had just set
  /// (docs/mqtt-facts.md, "The will and a clean goodbye"). Unread data is discarded rather than read through
  /// libmosquitto, which would acknowledge each message and let the broker send the next.
  private func settleBeforeDisconnect(_ handle: OpaquePointer) {
    guard client.isConnected else { return }
    for _ in 0..<50 {
      guard mosquitto_socket(handle) >= 0, client.unacknowledgedCount > 0 || mosquitto_want_write(handle) else { break }
      if mosquitto_loop(handle, 20, 1) != MOSQ_ERR_SUCCESS.rawValue { return }
    }
    if client.options.broker.usesTLS {
      // OpenSSL owns the bytes on the socket: read through libmosquitto until nothing is pending.
      for _ in 0..<50 {
        guard hasUnread(mosquitto_socket(handle), waitingMilliseconds: 0) else { return }
        if mosquitto_loop(handle, 20, 1) != MOSQ_ERR_SUCCESS.rawValue { return }
      }
    } else {
      discardUnread(mosquitto_socket(handle))
    }
  }

  /// Reads and drops what the broker still sends, until it has been quiet for 50 ms, for at most a second. The
  /// messages in it are not handled and get no PUBACK, so the broker stops once its in-flight window is full and keeps
  /// them for the session, as if we had stopped a moment earlier: a persistent session receives them again. A stream
  /// the window does not stop (QoS 0) is cut at the second, and the connection then ends as before.
  private func discardUnread(_ socket: Int32) {
    var scratch = [UInt8](repeating: 0, count: 16_384)
    let deadline = MonotonicClock.seconds() + 1
    while MonotonicClock.seconds() < deadline {
      guard hasUnread(socket, waitingMilliseconds: 50) else { return }
      if read(socket, &scratch, scratch.count) <= 0 { return }  // closed, or an error: nothing more to read
    }
  }

  /// Whether `socket` has something to read within `waitingMilliseconds`.
  private func hasUnread(_ socket: Int32, waitingMilliseconds: Int32) -> Bool {
    guard socket >= 0 else { return false }
    var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
    return poll(&descriptor, 1, waitingMilliseconds) > 0
  }

  /// At most this many packets are read per round before keep-alive housekeeping and wake-ups get their turn.
  private static let packetsPerRound = 256

  /// One round on a plain TCP connection past its CONNACK: polls the broker socket and the wake-up pipe, reads every
  /// packet that has arrived (writing the PUBACKs libmosquitto queued after each read, so after their handlers
  /// returned), then does keep-alive housekeeping.
  ///
  /// It costs fewer system calls per message than `mosquitto_loop`, which waits on libmosquitto's private socket pair
  /// as well and is woken once per queued packet, our own PUBACKs included. The burst ends at the first read that
  /// delivered no message: errno cannot tell, because libmosquitto's failed write to its full socket pair (nothing
  /// reads it now) leaves EAGAIN behind after every message.
  ///
  /// A burst's PUBACKs leave together: after its second message the socket is corked (`TCP_CORK`), so each PUBACK's
  /// write only queues its four bytes, and one segment carries them all when the burst ends and the cork comes off
  /// (on every way out of the round); a single message costs no extra system call. The broker sends at most Receive
  /// Maximum messages ahead of our PUBACKs, so a burst holds back at most that many. The measurements behind
  /// both are in benchmarks/README.md, "Collector ingest".
  ///
  /// While an `AcknowledgementGate` hold is taken nothing is written: the round reads on and, once it has read all
  /// that arrived, tells the gate's handler (commit now); the release of the last hold wakes the poll to write.
  ///
  /// Not used before the CONNACK (a handshake in progress) nor over TLS, where OpenSSL may hold decrypted packets
  /// that `poll` cannot see; `mosquitto_loop` serves both, woken by its socket pair.
  private func serviceConnection(_ handle: OpaquePointer, wakeUp: WakeUpPipe) -> Int32 {
    let socket = mosquitto_socket(handle)
    guard socket >= 0 else { return MOSQ_ERR_NO_CONN.rawValue }
    let gate = client.acknowledgementGate
    let wanted = Int16(POLLIN) | (mosquitto_want_write(handle) && !gate.isHolding ? Int16(POLLOUT) : 0)
    var watched = (
      pollfd(fd: socket, events: wanted, revents: 0), pollfd(fd: wakeUp.readEnd, events: Int16(POLLIN), revents: 0)
    )
    let ready = withUnsafeMutableBytes(of: &watched) { fds in
      poll(fds.baseAddress!.assumingMemoryBound(to: pollfd.self), 2, idleMilliseconds)
    }
    if ready < 0 && errno != EINTR { return MOSQ_ERR_ERRNO.rawValue }
    if watched.1.revents != 0 { wakeUp.drain() }
    if watched.0.revents & ~Int16(POLLOUT) != 0 {  // readable, or hung up: reading reports which
      var corked = false
      // On an error libmosquitto has closed the socket, whose number another thread may have had since.
      defer { if corked && mosquitto_socket(handle) == socket { Self.cork(socket, false) } }
      for round in 0..<Self.packetsPerRound {
        let received = client.messagesReceived
        let rc = mosquitto_loop_read(handle, 1)
        if rc != MOSQ_ERR_SUCCESS.rawValue { return rc }
        if mosquitto_want_write(handle) {
          if gate.isHolding {
            writesHeld = true
          } else {
            let written = mosquitto_loop_write(handle, 1)
            if written != MOSQ_ERR_SUCCESS.rawValue { return written }
          }
        }
        // No message: the socket is drained, or it held a partial packet or another kind (then poll says so again).
        if client.messagesReceived == received { break }
        if round == 1 {  // a burst: the PUBACKs after its second message leave together, when it ends
          corked = Self.cork(socket, true)
          if corked { client.burstsCorked.add(1, ordering: .relaxed) }
        }
      }
    }
    // All read, a round's limit (the broker's window may be full) or a quiet poll: what is parked is committed now.
    if gate.isHolding { gate.networkWaits() }
    if mosquitto_want_write(handle) && !gate.isHolding {
      // Several packets queued by other threads (a round's readings), or held: one segment for them all.
      let corked = (client.publishWakeUp.takeQueued() > 1 || writesHeld) && Self.cork(socket, true)
      writesHeld = false
      let rc = mosquitto_loop_write(handle, 1)
      if corked && mosquitto_socket(handle) == socket { Self.cork(socket, false) }
      if rc != MOSQ_ERR_SUCCESS.rawValue { return rc }
    }
    return mosquitto_loop_misc(handle)
  }

  /// How long a quiet connection sleeps in `poll` before keep-alive housekeeping: a quarter of the keep-alive, so the
  /// PINGREQ leaves at most that late and the broker (which waits 1.5 keep-alives) never drops us. Anything that
  /// arrives, a publish from another thread and `stop()` all wake the poll, so this only paces an idle agent: with
  /// the default 30 s keep-alive, one wake-up every 7.5 s instead of two a second.
  private var idleMilliseconds: Int32 {
    Int32(clamping: max(Int(client.options.keepAliveSeconds), 2) * 250)
  }

  /// Sets `TCP_CORK` on `socket`: while it is on, writes only queue their bytes; turning it off sends them.
  @discardableResult
  static func cork(_ socket: Int32, _ on: Bool) -> Bool {
    var value: Int32 = on ? 1 : 0
    return setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
  }

  /// Whether `socket` is corked now (`nil` if it cannot say: no socket).
  static func isCorked(_ socket: Int32) -> Bool? {
    var value: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    guard getsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, &length) == 0 else { return nil }
    return value != 0
  }

  private func connect() -> Int32 {
    let options = client.options
    var properties: OpaquePointer? = nil
    defer { mosquitto_property_free_all(&properties) }
    if options.protocolVersion == .v5 && !options.cleanSession {
      mosquitto_property_add_int32(
        &properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue),
        options.sessionExpirySeconds)
    }
    return mosquitto_connect_bind_v5(
      client.handle, options.broker.host, Int32(options.broker.port), options.keepAliveSeconds, nil, properties)
  }

  private func nextDelay(after delay: Double) -> Double {
    min(delay * 2, client.options.reconnectDelayMax)
  }

  /// Sleeps about `seconds` (±20 % jitter) on the wake-up pipe, which `stop()` signals: one wake-up per back-off, not
  /// one every 50 ms. A publish from another thread also signals the pipe; the pause then goes on for what is left.
  private func pause(seconds: Double) {
    let deadline = MonotonicClock.seconds() + seconds * Double.random(in: 0.8...1.2)
    while !isStopping {
      let remaining = deadline - MonotonicClock.seconds()
      guard remaining > 0 else { return }
      if let wakeUp = client.wakeUp {
        wakeUp.wait(seconds: remaining)
      } else {
        usleep(UInt32(min(remaining, 0.05) * 1_000_000))
      }
    }
  }
}
