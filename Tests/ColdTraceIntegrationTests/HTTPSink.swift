import ColdTraceSystem
import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A small HTTP/1.1 server on a free loopback port, in the test process: it records every request (method, path,
/// headers, body) and answers each with what its responder returns, then closes the connection. It stands in for the
/// web services the notification programs POST to (Apprise's `json://` service, Zalo's API). One request at a time.
final class HTTPSink: @unchecked Sendable {
  struct Request: Sendable {
    var method: String
    var path: String
    /// Header names lowercased.
    var headers: [String: String]
    var body: String

    /// The body as a JSON object, if it is one.
    var json: [String: Any]? {
      (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }

    /// The body as `application/x-www-form-urlencoded` fields.
    var form: [String: String] {
      var fields: [String: String] = [:]
      for pair in body.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1).map {
          String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
        }
        fields[parts[0]] = parts.count > 1 ? parts[1] : ""
      }
      return fields
    }
  }

  struct Response: Sendable {
    var status: Int
    var body: String

    init(status: Int = 200, json body: String = "{}") {
      self.status = status
      self.body = body
    }
  }

  let port: Int
  private let state: Mutex<State>
  private let listener: Int32
  private var thread: Thread?

  private struct State {
    var requests: [Request] = []
    var respond: @Sendable (Request) -> Response
    var stopping = false
  }

  init(respond: @escaping @Sendable (Request) -> Response = { _ in Response() }) throws {
    state = Mutex(State(respond: respond))
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("cannot create the HTTP sink's socket") }
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      throw TestSupportError("the HTTP sink cannot listen on 127.0.0.1")
    }
    listener = fd
    port = Int(UInt16(bigEndian: address.sin_port))
    let thread = Thread { [self] in serve() }
    thread.name = "http-sink"
    self.thread = thread
    thread.start()
  }

  deinit { stop() }

  /// Every request received so far, oldest first.
  var requests: [Request] { state.withLock { $0.requests } }

  /// From now on, requests are answered by `respond`.
  func respond(with respond: @escaping @Sendable (Request) -> Response) {
    state.withLock { $0.respond = respond }
  }

  /// Stops answering and closes the listening socket.
  func stop() {
    let alreadyStopping = state.withLock { state in
      defer { state.stopping = true }
      return state.stopping
    }
    guard !alreadyStopping else { return }
    while thread?.isFinished == false { usleep(10_000) }
    close(listener)
  }

  private func serve() {
    while !state.withLock({ $0.stopping }) {
      var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
      guard poll(&entry, 1, 100) > 0 else { continue }
      let connection = accept(listener, nil, nil)
      guard connection >= 0 else { continue }
      handle(connection)
      close(connection)
    }
  }

  private func handle(_ connection: Int32) {
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16384)
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    var headerEnd: Int?
    while headerEnd == nil {
      let count = recv(connection, &buffer, buffer.count, 0)
      guard count > 0 else { return }
      received += buffer[0..<count]
      headerEnd = Self.find(separator, in: received)
    }
    guard let headerEnd else { return }
    let head = String(decoding: received[0..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
    let requestLine = head[0].split(separator: " ")
    guard requestLine.count >= 2 else { return }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let length = Int(headers["content-length"] ?? "0") ?? 0
    if headers["expect"]?.lowercased() == "100-continue" { Self.send("HTTP/1.1 100 Continue\r\n\r\n", to: connection) }
    var body = Array(received[(headerEnd + separator.count)...])
    while body.count < length {
      let count = recv(connection, &buffer, buffer.count, 0)
      guard count > 0 else { break }
      body += buffer[0..<count]
    }
    let request = Request(
      method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
      body: String(decoding: body, as: UTF8.self))
    let respond = state.withLock { state in
      state.requests.append(request)
      return state.respond
    }
    let response = respond(request)
    let payload = Array(response.body.utf8)
    Self.send(
      "HTTP/1.1 \(response.status) \(response.status < 300 ? "OK" : "Error")\r\nContent-Type: application/json\r\n"
        + "Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n\(response.body)", to: connection)
  }

  private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
  }

  private static func send(_ text: String, to connection: Int32) {
    let bytes = Array(text.utf8)
    var sent = 0
    while sent < bytes.count {
      let count = bytes.withUnsafeBytes {
        Glibc.send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
      }
      guard count > 0 else { return }
      sent += count
    }
  }
}
