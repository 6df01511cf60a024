#if canImport(Glibc)
  import Glibc
#endif

/// The parent's ends of a running child's pipes: the bytes still to write to its standard input, and what it has
/// printed on standard output and error so far.
struct ChildPipes {
  private(set) var output: [UInt8] = []
  private(set) var errors: [UInt8] = []
  private let input: [UInt8]
  private var written = 0
  private var inputEnd: Int32
  private var outputEnd: Int32
  private var errorEnd: Int32
  private let captureLimit: Int

  /// Takes the descriptors (-1 for a stream that is not a pipe); the input end is made non-blocking.
  init(input: [UInt8], inputEnd: Int32, outputEnd: Int32, errorEnd: Int32, captureLimit: Int) {
    self.input = input
    self.inputEnd = inputEnd
    self.outputEnd = outputEnd
    self.errorEnd = errorEnd
    self.captureLimit = captureLimit
    if inputEnd >= 0 {
      _ = fcntl(inputEnd, F_SETFL, fcntl(inputEnd, F_GETFL) | O_NONBLOCK)
      if input.isEmpty { Self.close(&self.inputEnd) }
    }
  }

  /// Whether all the input is written and both outputs are closed.
  var isFinished: Bool { inputEnd < 0 && outputEnd < 0 && errorEnd < 0 }

  /// Waits up to `waitingMilliseconds` for a pipe to be ready, then writes and reads what it can; whether anything
  /// was written, read or closed.
  mutating func exchange(waitingMilliseconds: Int32) -> Bool {
    var polls = [(inputEnd, POLLOUT), (outputEnd, POLLIN), (errorEnd, POLLIN)].filter { $0.0 >= 0 }.map {
      pollfd(fd: $0.0, events: Int16($0.1), revents: 0)
    }
    guard poll(&polls, nfds_t(polls.count), waitingMilliseconds) > 0 else { return false }
    var progressed = false
    for ready in polls where ready.revents != 0 {
      switch ready.fd {
      case inputEnd: progressed = writeInput() || progressed
      case outputEnd: progressed = Self.read(from: &outputEnd, into: &output, limit: captureLimit) || progressed
      default: progressed = Self.read(from: &errorEnd, into: &errors, limit: captureLimit) || progressed
      }
    }
    return progressed
  }

  mutating func closeAll() {
    for descriptor in [inputEnd, outputEnd, errorEnd] where descriptor >= 0 { Glibc.close(descriptor) }
    (inputEnd, outputEnd, errorEnd) = (-1, -1, -1)
  }

  /// Writes what the pipe takes of the rest of the input; closes it when all is written or the program has closed
  /// its end (EPIPE).
  private mutating func writeInput() -> Bool {
    let count = input[written...].withUnsafeBytes { write(inputEnd, $0.baseAddress, $0.count) }
    if count > 0 {
      written += count
      if written == input.count { Self.close(&inputEnd) }
      return true
    }
    if count < 0 && (errno == EINTR || errno == EAGAIN) { return false }
    Self.close(&inputEnd)
    return true
  }

  /// Reads one chunk, keeping it while under the capture limit; closes the pipe at its end.
  private static func read(from descriptor: inout Int32, into bytes: inout [UInt8], limit: Int) -> Bool {
    var chunk = [UInt8](repeating: 0, count: 4096)
    let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
    if count > 0 {
      let room = max(0, limit - bytes.count)
      bytes.append(contentsOf: chunk[0..<min(count, room)])
      return true
    }
    if count < 0 && (errno == EINTR || errno == EAGAIN) { return false }
    Self.close(&descriptor)
    return true
  }

  private static func close(_ descriptor: inout Int32) {
    Glibc.close(descriptor)
    descriptor = -1
  }
}
