import ColdTraceSystem
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A minimal HTTP/1.1 responder for `GET /metrics`, on its own thread: one request at a time, read within
/// `requestSeconds` and `requestLimit` bytes, answered, and the connection closed. Prometheus scrapes every 15 s or
/// so, one request per connection is plenty, and this keeps SwiftNIO (and minutes of every CI build) out of the
/// collector. Its thread never touches the ingest path: the page is rendered from counters, histograms and a read of
/// the database on a connection of its own (WAL readers never block the writer).
public final class MetricsResponder: Sendable {
  static let requestLimit = 8192
  static let requestSeconds = 2.0

  /// The port bound (the configured one, or the kernel's choice for port 0).
  public let port: Int
  private let listener: Int32
  private let render: @Sendable () -> String
  private let stopping = Atomic<Bool>(false)
  private let ended = DispatchSemaphore(value: 0)

  /// Binds and listens on `address` (throws a one-line reason if it cannot); `render` makes the page per scrape.
  public init(address: MetricsListenAddress, render: @escaping @Sendable () -> String) throws(MetricsListenError) {
    self.render = render
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { throw MetricsListenError("cannot open a socket: \(errnoDescription())") }
    var yes: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var socketAddress = address.socketAddress
    let bound = withUnsafePointer(to: &socketAddress) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(descriptor, 16) == 0 else {
      let reason = errnoDescription()
      close(descriptor)
      throw MetricsListenError("cannot listen on \(address) for /metrics: \(reason)")
    }
    var local = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &local) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    port = Int(UInt16(bigEndian: local.sin_port))
    listener = descriptor
  }

  /// Starts answering, on a thread of its own.
  public func start() {
    let thread = Thread { [self] in
      while !stopping.load(ordering: .relaxed) {
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 250) > 0 else { continue }
        let client = accept(listener, nil, nil)
        guard client >= 0 else { continue }
        answer(client)
        close(client)
      }
      close(listener)
      ended.signal()
    }
    thread.name = "coldtrace-metrics"
    thread.start()
  }

  /// Stops accepting and waits (briefly) for the thread to close the socket. Call once, after `start`.
  public func stop() {
    stopping.store(true, ordering: .relaxed)
    _ = ended.wait(timeout: .now() + 2)
  }

  private func answer(_ client: Int32) {
    guard let request = readRequest(client) else {
      respond(client, status: "400 Bad Request", body: "bad request\n")
      return
    }
    let parts = request.split(separator: " ", maxSplits: 2)
    guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
      respond(client, status: "400 Bad Request", body: "bad request\n")
      return
    }
    guard parts[0] == "GET" else {
      respond(client, status: "405 Method Not Allowed", body: "only GET\n", extra: "Allow: GET\r\n")
      return
    }
    let path = parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
    guard path == "/metrics" else {
      respond(client, status: "404 Not Found", body: "ColdTrace serves /metrics only\n")
      return
    }
    respond(client, status: "200 OK", body: render(), contentType: MetricsText.contentType)
  }

  /// The request line, once the headers have ended; `nil` if they are too long, too slow or not there.
  private func readRequest(_ client: Int32) -> String? {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 2048)
    let deadline = ContinuousClock.now + .seconds(Self.requestSeconds)
    let end: [UInt8] = Array("\r\n\r\n".utf8)
    while received.count < Self.requestLimit {
      let remaining = ContinuousClock.now.duration(to: deadline)
      guard remaining > .zero else { return nil }
      var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
      let milliseconds = Int32(
        remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
      guard poll(&poller, 1, max(1, milliseconds)) > 0 else { return nil }
      let count = recv(client, &buffer, buffer.count, 0)
      guard count > 0 else { return nil }
      received += buffer[0..<count]
      if let range = received.firstRange(of: end) {
        let head = received[..<range.lowerBound]
        let line = head.split(separator: UInt8(ascii: "\r"), maxSplits: 1).first ?? head[...]
        return String(decoding: line, as: UTF8.self)
      }
    }
    return nil
  }

  private func respond(
    _ client: Int32, status: String, body: String, contentType: String = "text/plain; charset=utf-8",
    extra: String = ""
  ) {
    let bytes = Array(body.utf8)
    let head =
      "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\n\(extra)"
      + "Connection: close\r\n\r\n"
    var timeout = timeval(tv_sec: Int(Self.requestSeconds), tv_usec: 0)
    setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var all = Array(head.utf8) + bytes
    var sent = 0
    while sent < all.count {
      let count = all.withUnsafeMutableBytes {
        send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
      }
      guard count > 0 else { return }
      sent += count
    }
  }
}
