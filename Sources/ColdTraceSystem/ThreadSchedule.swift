#if canImport(Glibc)
  import Glibc
#endif

/// The calling thread's time on a CPU and time spent runnable but waiting for one, from the kernel's scheduler
/// statistics (`/proc/thread-self/schedstat`, Linux): what a slow round's wall time was not spent blocked on.
public struct ThreadSchedule: Sendable, Equatable {
  public var runningNanoseconds: Int
  public var waitingNanoseconds: Int

  public init(runningNanoseconds: Int, waitingNanoseconds: Int) {
    self.runningNanoseconds = runningNanoseconds
    self.waitingNanoseconds = waitingNanoseconds
  }

  /// The calling thread's figures now; `nil` where the kernel does not give them.
  public static func current() -> ThreadSchedule? {
    let fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 96)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { return nil }
    // "<on cpu ns> <waiting on a run queue ns> <timeslices>\n"
    let fields = buffer[..<count].split(whereSeparator: { $0 == 32 || $0 == 10 })
    guard fields.count >= 2, let running = Int(String(decoding: fields[0], as: UTF8.self)),
      let waiting = Int(String(decoding: fields[1], as: UTF8.self))
    else { return nil }
    return ThreadSchedule(runningNanoseconds: running, waitingNanoseconds: waiting)
  }
}
