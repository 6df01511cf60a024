import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Where one of a child's standard descriptors goes.
enum ChildStream {
  /// `/dev/null`.
  case null
  /// A descriptor of the parent's (a log file), duplicated into the child.
  case descriptor(Int32)
  /// A new pipe; the parent keeps the other end.
  case pipe
}

/// A program that could not be started, with the system's reason.
struct SpawnError: Error, CustomStringConvertible {
  let description: String
}

/// `posix_spawn` with the settings every program ColdTrace starts gets: the signal mask emptied and every signal's
/// disposition reset to the default (the agent blocks SIGTERM and SIGINT for its signal thread; a child must not
/// inherit that), and no descriptor inherited but its standard input, output and error.
enum ProcessSpawn {
  /// Held while pipes are made and a program is spawned. `pipe2` is not visible from Swift, so close-on-exec is set
  /// just after `pipe`; no other program may be spawned in between, or it could inherit (and hold open) the write end
  /// of another child's output pipe where `closeFrom` is missing.
  private static let lock = Mutex(())

  /// Starts `command` (the program by path, then its arguments); returns its pid and the parent's end of each `.pipe`
  /// stream, in the order stdin, stdout, stderr (-1 for the others). `ownProcessGroup` puts the child in a new process
  /// group, so that killing the group also ends what it started. `environment` adds to (or replaces in) this
  /// process's environment.
  static func start(
    _ command: [String], streams: [ChildStream], ownProcessGroup: Bool, environment: [String: String] = [:]
  ) throws(SpawnError) -> (pid: pid_t, parentEnds: [Int32]) {
    try lock.withLock { _ throws(SpawnError) in
      var parentEnds: [Int32] = []
      var childEnds: [Int32] = []
      for (number, stream) in streams.enumerated() {
        guard case .pipe = stream else {
          parentEnds.append(-1)
          childEnds.append(-1)
          continue
        }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
          let reason = errnoDescription()
          for descriptor in parentEnds + childEnds where descriptor >= 0 { close(descriptor) }
          throw SpawnError(description: reason)
        }
        for descriptor in ends { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        // The child reads its standard input from the read end (0) and writes its output to the write end (1).
        parentEnds.append(number == 0 ? ends[1] : ends[0])
        childEnds.append(number == 0 ? ends[0] : ends[1])
      }
      defer { for descriptor in childEnds where descriptor >= 0 { close(descriptor) } }
      do throws(SpawnError) {
        let pid = try spawn(
          command, streams: streams, childEnds: childEnds, ownProcessGroup: ownProcessGroup, environment: environment)
        return (pid, parentEnds)
      } catch {
        for descriptor in parentEnds where descriptor >= 0 { close(descriptor) }
        throw error
      }
    }
  }

  private static func spawn(
    _ command: [String], streams: [ChildStream], childEnds: [Int32], ownProcessGroup: Bool,
    environment: [String: String]
  ) throws(SpawnError) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for (number, stream) in streams.enumerated() {
      switch stream {
      case .null:
        posix_spawn_file_actions_addopen(&actions, Int32(number), "/dev/null", number == 0 ? O_RDONLY : O_WRONLY, 0)
      case .descriptor(let descriptor): posix_spawn_file_actions_adddup2(&actions, descriptor, Int32(number))
      case .pipe: posix_spawn_file_actions_adddup2(&actions, childEnds[number], Int32(number))
      }
    }
    // Nothing else the parent has open (an MQTT socket, outbox files, the database) is the child's business.
    if let closeFrom {
      _ = closeFrom(&actions, 3)
    } else {
      for descriptor in openDescriptors() where descriptor > 2 {
        posix_spawn_file_actions_addclose(&actions, descriptor)
      }
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if ownProcessGroup {
      flags |= POSIX_SPAWN_SETPGROUP
      posix_spawnattr_setpgroup(&attributes, 0)
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    let argv = command.map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var pid: pid_t = 0
    let result: Int32
    if environment.isEmpty {
      result = posix_spawn(&pid, command[0], &actions, &attributes, argv, environ)
    } else {
      let envp = mergedEnvironment(environment).map { strdup($0) } + [nil]
      defer { for entry in envp { free(entry) } }
      result = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
    }
    guard result == 0 else { throw SpawnError(description: errnoDescription(result)) }
    return pid
  }

  /// This process's environment as `NAME=value` entries, with `extra` added or replacing.
  private static func mergedEnvironment(_ extra: [String: String]) -> [String] {
    var entries: [String] = []
    var index = 0
    while let entry = environ[index] {
      let text = String(cString: entry)
      let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
      if extra[name] == nil { entries.append(text) }
      index += 1
    }
    return entries + extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
  }

  /// The descriptors this process has open, from `/proc/self/fd`.
  private static func openDescriptors() -> [Int32] {
    guard let directory = opendir("/proc/self/fd") else { return [] }
    defer { closedir(directory) }
    var descriptors: [Int32] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if let descriptor = Int32(name), descriptor != dirfd(directory) { descriptors.append(descriptor) }
    }
    return descriptors
  }

  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not declare
  /// (it needs `_GNU_SOURCE`): closes every descriptor from 3 up in the child, as Foundation's `Process` does.
  private static let closeFrom: CloseFrom? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: CloseFrom.self)
  }()

  private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
}
