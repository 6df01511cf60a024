#if canImport(Glibc)
  import Glibc
#endif

/// A program started by another and stopped by it: the demo's broker, collector and agent; in tests, brokers,
/// collectors and tools run to completion (`mosquitto_passwd`, `openssl`). The agent's `command` driver
/// (`ProbeProcess`) and the collector's `[notify]` program (Foundation's `Process`) start theirs by other means.
///
/// Started with `posix_spawn`, not Foundation's `Process`, because this module must stay without Foundation (the
/// agent links it): standard output and error go to the log file, standard input is `/dev/null`, the signal mask and
/// dispositions are reset, and no other descriptor is inherited.
public final class ChildProcess {
  public let name: String
  /// The child's process id.
  public let pid: pid_t
  /// The raw `waitpid` status once the child has been reaped.
  private var reapedStatus: Int32?

  public init(name: String, executable: String, arguments: [String], log: String) throws {
    self.name = name
    let logFD = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard logFD >= 0 else {
      throw UsageError("cannot start \(name): cannot open \(log): \(String(cString: strerror(errno)))")
    }
    defer { close(logFD) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, logFD, 1)
    posix_spawn_file_actions_adddup2(&actions, logFD, 2)
    _ = Self.closeFrom?(&actions, 3)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var child: pid_t = 0
    let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
    guard result == 0 else {
      throw UsageError("cannot start \(name) (\(executable)): \(String(cString: strerror(result)))")
    }
    pid = child
  }

  public var isRunning: Bool {
    reap(blocking: false)
    return reapedStatus == nil
  }

  /// The exit code, or the number of the signal that ended the program (as Foundation's `terminationStatus`).
  public var exitStatus: Int32 {
    reap(blocking: true)
    let status = reapedStatus ?? 0
    let signal = status & 0x7F
    return signal == 0 ? (status >> 8) & 0xFF : signal
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

  private func reap(blocking: Bool) {
    guard reapedStatus == nil else { return }
    var status: Int32 = 0
    while true {
      let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
      if result == pid {
        reapedStatus = status
        return
      }
      if result < 0 && errno == EINTR { continue }
      if result < 0 { reapedStatus = 0 }  // not our child any more (ECHILD): nothing left to wait for
      return
    }
  }

  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not declare
  /// (it needs `_GNU_SOURCE`): closes every descriptor from 3 up in the child, as Foundation's `Process` does.
  private static let closeFrom: CloseFrom? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: CloseFrom.self)
  }()

  private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

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
