#if canImport(Glibc)
  import Glibc
#endif

extension ChildProcess {
  /// How a program run to completion went.
  public enum Outcome: Equatable, Sendable {
    /// It exited (or was killed by someone else) within the timeout, having printed `output` and `errors` (each cut
    /// at the capture limit).
    case finished(Termination, output: [UInt8], errors: [UInt8])
    /// It was still running at the timeout: it and its process group were killed.
    case timedOut
    /// It could not be started (the system's reason: `No such file or directory`).
    case failedToStart(String)
  }

  /// Runs `command` (the program by absolute path, then its arguments; no shell, no PATH search) in a process group of
  /// its own, with `input` on its standard input (`/dev/null` when `nil`), and collects what it prints on standard
  /// output and error, up to `captureLimit` bytes of each (the rest is read and dropped, so the program never blocks).
  ///
  /// The run ends when the program exits: what it wrote before exiting is read, and a background process it left
  /// holding its output is not waited for. At `timeoutSeconds` the program and its process group are killed.
  /// `environment` adds variables to the ones this process has (a notification's contacts and ids).
  public static func run(
    _ command: [String], input: [UInt8]? = nil, timeoutSeconds: Double, captureLimit: Int = 64 * 1024,
    environment: [String: String] = [:]
  ) -> Outcome {
    guard !command.isEmpty else { return .failedToStart("no program given") }
    let deadline = MonotonicClock.seconds() + timeoutSeconds
    let started: (pid: pid_t, parentEnds: [Int32])
    do {
      let streams: [ChildStream] = [input == nil ? .null : .pipe, .pipe, .pipe]
      started = try ProcessSpawn.start(command, streams: streams, ownProcessGroup: true, environment: environment)
    } catch {
      return .failedToStart(error.description)
    }
    let child = ChildProcess(name: command[0], pid: started.pid)
    var pipes = ChildPipes(
      input: input ?? [], inputEnd: started.parentEnds[0], outputEnd: started.parentEnds[1],
      errorEnd: started.parentEnds[2], captureLimit: captureLimit)
    defer { pipes.closeAll() }
    let signals = input == nil ? nil : SIGPIPEBlock()
    defer { signals?.restore() }
    while true {
      let remaining = deadline - MonotonicClock.seconds()
      if !child.isRunning {
        // Exited: read what it left in the pipes, without waiting for anyone else who holds them (and, should a
        // process it left behind keep writing, not for longer than a moment past the deadline).
        let drainEnd = max(deadline, MonotonicClock.seconds() + 0.1)
        while !pipes.isFinished && pipes.exchange(waitingMilliseconds: 0) && MonotonicClock.seconds() < drainEnd {}
        return .finished(child.termination, output: pipes.output, errors: pipes.errors)
      }
      guard remaining > 0 else {
        child.killGroup()
        return .timedOut
      }
      if pipes.isFinished {
        usleep(UInt32(min(remaining, 0.005) * 1_000_000))
      } else {
        // Wakes at once when the program writes or closes its output (as it does when it exits).
        _ = pipes.exchange(waitingMilliseconds: Int32(min(remaining, 0.05) * 1000) + 1)
      }
    }
  }

  /// The first line of what a program printed (on standard error, usually), without surrounding blanks and cut at
  /// `limit` characters, or `nil` if it is empty: for the one-line messages that report a failed run.
  public static func firstLine(_ bytes: [UInt8], limit: Int = 160) -> String? {
    guard let first = bytes.split(separator: UInt8(ascii: "\n")).first else { return nil }
    var text = Substring(String(decoding: first, as: UTF8.self))
    while text.first?.isWhitespace == true { text.removeFirst() }
    while text.last?.isWhitespace == true { text.removeLast() }
    guard !text.isEmpty else { return nil }
    return text.count > limit ? String(text.prefix(limit)) + "…" : String(text)
  }
}

/// Blocks SIGPIPE in the calling thread while it writes to a child's standard input, so that a program that exits
/// without reading it makes `write` fail with EPIPE instead of ending ColdTrace; `restore()` discards a SIGPIPE left
/// pending and restores the thread's mask.
private struct SIGPIPEBlock {
  private var previous = sigset_t()

  init() {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
  }

  func restore() {
    var previous = previous
    var pending = sigset_t()
    sigpending(&pending)
    if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previous, SIGPIPE) == 0 {
      var pipeSignal = sigset_t()
      sigemptyset(&pipeSignal)
      sigaddset(&pipeSignal, SIGPIPE)
      var taken: Int32 = 0
      sigwait(&pipeSignal, &taken)
    }
    pthread_sigmask(SIG_SETMASK, &previous, nil)
  }
}
