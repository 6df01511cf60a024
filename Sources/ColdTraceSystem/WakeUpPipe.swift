#if canImport(Glibc)
  import Glibc
#endif

/// A non-blocking pipe that lets other threads wake a thread sleeping in `poll`.
///
/// - The MQTT network thread polls the broker socket and this pipe (`NetworkLoop.serviceConnection`): a publish from
///   another thread nudges it through the pipe, or the packet would wait for the poll's timeout. libmosquitto's own
///   socket pair is watched only by `mosquitto_loop`.
/// - The agent's sampling thread sleeps in `wait(seconds:)` until its next due time (`ServiceClock.wait`), and the
///   network thread (acknowledgements, connections), publish completions and the signal thread wake it early.
///
/// A signal given before a wait is not lost: the byte stays in the pipe, and the wait returns at once.
public final class WakeUpPipe: Sendable {
  public let readEnd: Int32
  private let writeEnd: Int32

  /// `nil` when the process is out of file descriptors (the network loop then falls back to `mosquitto_loop`).
  public init?() {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return nil }
    for end in ends {
      _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
    }
    readEnd = ends[0]
    writeEnd = ends[1]
  }

  deinit {
    close(readEnd)
    close(writeEnd)
  }

  /// Makes the read end readable. A full pipe is already readable, so a failed write loses nothing.
  public func signal() {
    var byte: UInt8 = 1
    _ = write(writeEnd, &byte, 1)
  }

  /// Empties the pipe after a wake-up; true if it held a signal.
  @discardableResult
  public func drain() -> Bool {
    var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    var drained = false
    while withUnsafeMutableBytes(of: &buffer, { read(readEnd, $0.baseAddress, $0.count) }) > 0 { drained = true }
    return drained
  }

  /// Sleeps until a signal or for `seconds` (zero or less: only looks), in one `poll`; true if a signal came (the pipe
  /// is emptied). The timeout is rounded up to the next millisecond, so a wait never ends before its due time and
  /// then finds nothing due.
  @discardableResult
  public func wait(seconds: Double) -> Bool {
    let milliseconds = Int32(min(max(seconds, 0), 86_400) * 1000 + 0.999)
    var watched = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
    guard poll(&watched, 1, milliseconds) > 0 else { return false }
    return drain()
  }
}
