import ColdTraceSystem
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A TCP relay on a free loopback port to another loopback port, whose link can be cut and restored: a network
/// outage between an agent and its broker, without touching either.
///
/// `cut()` closes every relayed connection and the listening socket, so new connections are refused; `restore()`
/// listens on the same port again. One thread relays everything with `poll`; every test stops it with `stop()`.
public final class LoopbackProxy: @unchecked Sendable {
  public let port: Int
  public let targetPort: Int
  private let state = Mutex(State())
  private let wakeRead: Int32
  private let wakeWrite: Int32
  private var thread: Thread?

  private struct State {
    var listener: Int32 = -1
    /// Each relayed connection as a pair: the accepted client socket and the socket to the target.
    var pairs: [(client: Int32, target: Int32)] = []
    var stopping = false
    var connectionsAccepted = 0
  }

  /// Sees every chunk of bytes before it is relayed (`fromClient`: from the accepted side to the target), on the relay
  /// thread: the relay waits for it, so it can check what must be true before the other side receives them.
  public typealias Inspector = @Sendable (_ fromClient: Bool, _ bytes: ArraySlice<UInt8>) -> Void
  private let inspector: Inspector?

  public var url: String { "mqtt://127.0.0.1:\(port)" }
  public var connectionsAccepted: Int { state.withLock { $0.connectionsAccepted } }

  public init(targetPort: Int, inspector: Inspector? = nil) throws {
    guard let port = FreePort.find() else { throw TestSupportError("no free loopback port for the proxy") }
    self.port = port
    self.inspector = inspector
    self.targetPort = targetPort
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw TestSupportError("cannot create the proxy's wake pipe") }
    wakeRead = fds[0]
    wakeWrite = fds[1]
    try restore()
    let thread = Thread { [self] in relay() }
    thread.name = "loopback-proxy"
    self.thread = thread
    thread.start()
  }

  deinit { stop() }

  /// The link goes down: every relayed connection is closed and new ones are refused until `restore()`.
  public func cut() {
    state.withLock { state in
      for pair in state.pairs {
        shutdown(pair.client, Int32(SHUT_RDWR))
        shutdown(pair.target, Int32(SHUT_RDWR))
        close(pair.client)
        close(pair.target)
      }
      state.pairs.removeAll()
      if state.listener >= 0 { close(state.listener) }
      state.listener = -1
    }
    wake()
  }

  /// The link comes back: the proxy listens on its port again.
  public func restore() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("cannot create the proxy's socket") }
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = Self.loopback(port: port)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 16) == 0 else {
      close(fd)
      throw TestSupportError("the proxy cannot listen on 127.0.0.1:\(port): \(errnoDescription())")
    }
    state.withLock { $0.listener = fd }
    wake()
  }

  /// Closes everything and ends the relay thread.
  public func stop() {
    let alreadyStopping = state.withLock { state in
      defer { state.stopping = true }
      return state.stopping
    }
    guard !alreadyStopping else { return }
    cut()
    while thread?.isFinished == false { usleep(10_000) }
    close(wakeRead)
    close(wakeWrite)
  }

  private func wake() {
    var byte: UInt8 = 1
    _ = write(wakeWrite, &byte, 1)
  }

  private func relay() {
    var buffer = [UInt8](repeating: 0, count: 64 << 10)
    while true {
      let (listener, pairs, stopping) = state.withLock { ($0.listener, $0.pairs, $0.stopping) }
      if stopping { return }
      var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
      if listener >= 0 { fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
      for pair in pairs {
        fds.append(pollfd(fd: pair.client, events: Int16(POLLIN), revents: 0))
        fds.append(pollfd(fd: pair.target, events: Int16(POLLIN), revents: 0))
      }
      guard poll(&fds, nfds_t(fds.count), 200) > 0 else { continue }
      if fds[0].revents != 0 {
        var drained = [UInt8](repeating: 0, count: 64)
        _ = read(wakeRead, &drained, drained.count)
        continue  // the sockets may have changed: poll again with the current ones
      }
      // Under the lock, so a cut cannot close (and the kernel reuse) a descriptor between the check and the use.
      state.withLock { state in
        for entry in fds.dropFirst() where entry.revents != 0 {
          if entry.fd == state.listener {
            Self.accept(from: entry.fd, targetPort: targetPort, into: &state)
          } else if let index = state.pairs.firstIndex(where: { $0.client == entry.fd || $0.target == entry.fd }) {
            let pair = state.pairs[index]
            let other = pair.client == entry.fd ? pair.target : pair.client
            let count = read(entry.fd, &buffer, buffer.count)
            if count > 0 { inspector?(pair.client == entry.fd, buffer[0..<count]) }
            if count <= 0 || !Self.writeAll(buffer, count: count, to: other) {
              state.pairs.remove(at: index)
              close(pair.client)
              close(pair.target)
            }
          }
        }
      }
    }
  }

  private static func accept(from listener: Int32, targetPort: Int, into state: inout State) {
    let client = Glibc.accept(listener, nil, nil)
    guard client >= 0 else { return }
    let target = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = loopback(port: targetPort)
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(target, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard target >= 0, connected == 0 else {
      close(client)
      if target >= 0 { close(target) }
      return
    }
    state.pairs.append((client, target))
    state.connectionsAccepted += 1
  }

  private static func writeAll(_ buffer: [UInt8], count: Int, to fd: Int32) -> Bool {
    var written = 0
    while written < count {
      let result = buffer.withUnsafeBytes { send(fd, $0.baseAddress! + written, count - written, Int32(MSG_NOSIGNAL)) }
      if result < 0 && errno == EINTR { continue }
      guard result > 0 else { return false }
      written += result
    }
    return true
  }

  private static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }
}
