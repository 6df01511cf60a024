#if canImport(Glibc)
  import Glibc
#endif

/// A non-blocking pipe that lets other threads interrupt the network thread's `poll`.
///
/// libmosquitto wakes its own `select` through a private socket pair that only `mosquitto_loop` watches. The network
/// loop polls the broker socket itself (see `NetworkLoop.serviceConnection`), so a publish from another thread nudges
/// it through this pipe instead; otherwise the packet would wait for the next poll timeout.
final class WakeUpPipe: Sendable {
  let readEnd: Int32
  private let writeEnd: Int32

  /// `nil` when the process is out of file descriptors; the loop then falls back to `mosquitto_loop`.
  init?() {
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
  func signal() {
    var byte: UInt8 = 1
    _ = write(writeEnd, &byte, 1)
  }

  /// Empties the pipe after a wake-up.
  func drain() {
    var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    while withUnsafeMutableBytes(of: &buffer, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
  }
}
