#if canImport(Glibc)
  import Glibc
#endif

/// A program ColdTrace starts: the demo's broker, collector and agent and a test's collector, which run until stopped
/// (`init(name:executable:arguments:log:)`), and the agent's probe programs and the collector's notification program,
/// which run to completion within a timeout (`run(_:input:timeoutSeconds:captureLimit:)`).
///
/// Started with `posix_spawn` (`ProcessSpawn`), not Foundation's `Process`: the agent links this module and no
/// Foundation.
public final class ChildProcess {
  public let name: String
  /// The child's process id.
  public let pid: pid_t
  /// How the child ended, once it has been reaped.
  private var ended: Termination?

  /// Starts a program that runs until stopped: standard output and error go to the log file, standard input is
  /// `/dev/null`.
  public init(name: String, executable: String, arguments: [String], log: String) throws {
    self.name = name
    let logFD = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard logFD >= 0 else {
      throw UsageError("cannot start \(name): cannot open \(log): \(errnoDescription())")
    }
    defer { close(logFD) }
    do {
      let streams: [ChildStream] = [.null, .descriptor(logFD), .descriptor(logFD)]
      pid = try ProcessSpawn.start([executable] + arguments, streams: streams, ownProcessGroup: false).pid
    } catch {
      throw UsageError("cannot start \(name) (\(executable)): \(error.description)")
    }
  }

  init(name: String, pid: pid_t) {
    self.name = name
    self.pid = pid
  }

  public var isRunning: Bool {
    reap(blocking: false)
    return ended == nil
  }

  /// How the program ended (waits for it).
  public var termination: Termination {
    reap(blocking: true)
    return ended ?? .unknown
  }

  /// The exit code, or the number of the signal that ended the program (as Foundation's `terminationStatus`).
  public var exitStatus: Int32 {
    switch termination {
    case .exited(let code), .signalled(let code): code
    case .unknown: 0
    }
  }

  /// Waits up to `seconds` for the program to exit by itself.
  @discardableResult
  public func wait(seconds: Double) -> Bool {
    var waited = 0.0
    while isRunning && waited < seconds {
      usleep(20_000)
      waited += 0.02
    }
    return !isRunning
  }

  /// SIGTERM, then SIGKILL if it has not exited after `grace` seconds.
  public func stop(grace: Double = 5) {
    guard isRunning else { return }
    Glibc.kill(pid, SIGTERM)
    if !wait(seconds: grace) {
      Glibc.kill(pid, SIGKILL)
      reap(blocking: true)
    }
  }

  /// Kills the program with SIGKILL, as a power cut or the OOM killer would, and reaps it.
  public func kill() {
    guard isRunning else { return }
    Glibc.kill(pid, SIGKILL)
    reap(blocking: true)
  }

  /// Kills the program's whole process group with SIGKILL (it was started in a group of its own) and reaps it.
  func killGroup() {
    guard isRunning else { return }
    Glibc.kill(-pid, SIGKILL)
    reap(blocking: true)
  }

  private func reap(blocking: Bool) {
    guard ended == nil else { return }
    var status: Int32 = 0
    while true {
      let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
      if result == pid {
        ended = Termination(waitStatus: status)
        return
      }
      if result < 0 && errno == EINTR { continue }
      if result < 0 { ended = .unknown }  // not our child any more (ECHILD): nothing left to wait for
      return
    }
  }

  /// A sibling program installed next to this one (`coldtrace-agent` next to `coldtrace`).
  public static func sibling(_ name: String) -> String {
    guard let resolved = realpath("/proc/self/exe", nil) else { return name }
    defer { free(resolved) }
    let me = String(cString: resolved)
    let directory = me.lastIndex(of: "/").map { String(me[..<$0]) } ?? "."
    return directory + "/" + name
  }

  /// The path of a system program, or `nil` when it is not installed.
  public static func system(_ name: String) -> String? {
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
      let candidate = "\(directory)/\(name)"
      var info = stat()
      if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
        return candidate
      }
    }
    return nil
  }
}
