import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A probe read by a program of the operator's: the agent runs it (no shell, in a process group of its own) and
/// expects one JSON object on standard output, `{"temp_c":3.4,"rh_pct":91}` (either field may be left out), or
/// `{"error":"i2c bus busy"}` to report a fault. A program that runs past its timeout is killed with its children.
public final class CommandSensor: Sensor, Sendable {
  public let id: String
  public let room: String
  /// The program and its arguments (`["/usr/local/bin/read-probe", "--bus", "1"]`).
  public let command: [String]
  public let timeoutSeconds: Double
  private let program: String

  public init(id: String, room: String, command: [String], timeoutSeconds: Double) {
    self.id = id
    self.room = room
    self.command = command
    self.timeoutSeconds = timeoutSeconds
    program = command.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "command"
  }

  public func read(at time: Timestamp) -> SensorValue {
    switch ProbeProcess.run(command, timeoutSeconds: timeoutSeconds) {
    case .failedToStart(let reason):
      return .fault("\(program): cannot start \(command[0]): \(reason)")
    case .timedOut:
      return .fault("\(program): no answer after \(JSONText.number(timeoutSeconds)) s; killed")
    case .finished(let status, let output, let errors):
      return interpret(status: status, output: output, errors: errors)
    }
  }

  private func interpret(status: ProbeProcess.Status, output: [UInt8], errors: [UInt8]) -> SensorValue {
    let object: JSONObject?
    let parseProblem: String?
    do {
      guard case .object(let parsed) = try JSONParser.parse(output) else {
        throw JSONParseError(kind: .malformed, offset: 0, message: "expected a JSON object")
      }
      (object, parseProblem) = (parsed, nil)
    } catch {
      (object, parseProblem) = (nil, output.isEmpty ? "printed nothing" : "printed no JSON object (\(error))")
    }
    if case .string(let reason)? = object?["error"] { return .fault("\(program): \(reason)") }
    if status != .exited(0) {
      let detail = firstLine(errors).map { ": \($0)" } ?? ""
      return .fault("\(program): \(status)\(detail)")
    }
    guard let object else { return .fault("\(program): \(parseProblem ?? "printed no JSON object")") }
    var numbers: [Double?] = []
    for key in ["temp_c", "rh_pct"] {
      switch object[key] {
      case .number(let value)?: numbers.append(value)
      case nil, .null?: numbers.append(nil)
      case let other?: return .fault("\(program): \(key) is a \(other.typeName), not a number")
      }
    }
    guard numbers.contains(where: { $0 != nil }) else {
      return .fault("\(program): printed neither temp_c nor rh_pct (nor error)")
    }
    return .values(tempC: numbers[0], rhPct: numbers[1])
  }

  private func firstLine(_ bytes: [UInt8]) -> String? {
    let line = bytes.split(separator: UInt8(ascii: "\n")).first.map { String(decoding: $0, as: UTF8.self) }
    guard let line, !line.isEmpty else { return nil }
    return line.count > 160 ? String(line.prefix(160)) + "…" : line
  }
}

/// `driver = "command"`: keys `command` (the program and its arguments, an array of strings; the program by absolute
/// path, as there is no shell and no PATH search) and `timeout_seconds` (default 4; keep it below
/// `read_timeout_seconds`).
public enum CommandDriver: SensorDriver {
  public static let name = "command"
  public static let keys: Set<String> = ["command", "timeout_seconds"]

  public static func factory(id: String, room: String, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any Sensor
  {
    guard let command = try table.strings("command") else {
      throw table.invalid("command", "is required, e.g. command = [\"/usr/local/bin/read-probe\", \"--bus\", \"1\"]")
    }
    guard let program = command.first, program.hasPrefix("/") else {
      throw table.invalid("command", "must start with the program's absolute path (it is run without a shell)")
    }
    let timeout = try table.double("timeout_seconds", .within(0.1...600), default: 4)
    return { _ in CommandSensor(id: id, room: room, command: command, timeoutSeconds: timeout) }
  }
}

/// Runs a probe program to completion or its deadline, collecting what it prints.
enum ProbeProcess {
  /// How a program ended.
  enum Status: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    var description: String {
      switch self {
      case .exited(let code): "exited with status \(code)"
      case .signalled(let signal): "killed by signal \(signal)"
      }
    }
  }

  enum Outcome {
    case finished(Status, output: [UInt8], errors: [UInt8])
    case timedOut
    case failedToStart(String)
  }

  /// At most this much standard output or error is kept.
  static let maxOutput = 64 * 1024

  static func run(_ command: [String], timeoutSeconds: Double) -> Outcome {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
    let started = spawnLock.withLock { _ in start(command) }
    guard case .success(let (pid, output, errors)) = started else {
      if case .failure(let error) = started { return .failedToStart(error.description) }
      return .failedToStart("unknown error")
    }
    defer {
      close(output)
      close(errors)
    }
    var streams = [Stream(descriptor: output), Stream(descriptor: errors)]
    guard drain(&streams, until: deadline), let status = reap(pid, until: deadline) else {
      kill(-pid, SIGKILL)
      _ = waitForExit(pid, options: 0)
      return .timedOut
    }
    return .finished(status, output: streams[0].bytes, errors: streams[1].bytes)
  }

  /// Held while pipes are made and a program is spawned. `pipe2` is not visible from Swift, so close-on-exec is set
  /// just after `pipe`; no other probe program may be spawned in between, or it would inherit (and hold open) the
  /// write end of another probe's output pipe.
  private static let spawnLock = Mutex(())

  /// Makes the output pipes and spawns the program; returns its pid and the read ends of its stdout and stderr.
  private static func start(_ command: [String]) -> Result<(pid_t, Int32, Int32), SpawnError> {
    var output: [Int32] = [-1, -1]
    var errors: [Int32] = [-1, -1]
    guard pipe(&output) == 0 else { return .failure(SpawnError(description: SysfsFile.systemError(errno))) }
    guard pipe(&errors) == 0 else {
      let reason = SysfsFile.systemError(errno)
      for descriptor in output { close(descriptor) }
      return .failure(SpawnError(description: reason))
    }
    for descriptor in output + errors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    let spawned = spawn(command, stdout: output[1], stderr: errors[1])
    close(output[1])
    close(errors[1])
    guard case .success(let pid) = spawned else {
      close(output[0])
      close(errors[0])
      return spawned.map { ($0, -1, -1) }
    }
    return .success((pid, output[0], errors[0]))
  }

  /// Starts the program in a new process group with stdin from /dev/null, no other inherited descriptors, and the
  /// default signal mask and dispositions (the agent blocks SIGTERM and SIGINT for its signal thread; a probe program
  /// must not inherit that).
  private static func spawn(_ command: [String], stdout: Int32, stderr: Int32) -> Result<pid_t, SpawnError> {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, stdout, 1)
    posix_spawn_file_actions_adddup2(&actions, stderr, 2)
    // Nothing else the agent has open (its MQTT socket, outbox files) is the probe program's business.
    for descriptor in SysfsFile.entries("/proc/self/fd").compactMap({ Int32($0) }) where descriptor > 2 {
      posix_spawn_file_actions_addclose(&actions, descriptor)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    posix_spawnattr_setpgroup(&attributes, 0)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    defer { for argument in arguments { free(argument) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, command[0], &actions, &attributes, &arguments, environ)
    return result == 0 ? .success(pid) : .failure(SpawnError(description: SysfsFile.systemError(result)))
  }

  struct SpawnError: Error {
    var description: String
  }

  /// One of the child's output pipes: what it has printed so far, and whether it has closed it.
  private struct Stream {
    var descriptor: Int32
    var bytes: [UInt8] = []
    var open = true
  }

  /// Reads both pipes until the program closes them; false if the deadline came first.
  private static func drain(_ streams: inout [Stream], until deadline: ContinuousClock.Instant) -> Bool {
    var chunk = [UInt8](repeating: 0, count: 4096)
    while streams.contains(where: \.open) {
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else { return false }
      var polls = streams.filter(\.open).map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
      let milliseconds = Int32(min(remaining.components.seconds * 1000 + 1, 60_000))
      if poll(&polls, nfds_t(polls.count), milliseconds) < 0 && errno != EINTR { return false }
      for poll in polls where poll.revents != 0 {
        guard let index = streams.firstIndex(where: { $0.descriptor == poll.fd }) else { continue }
        let count = chunk.withUnsafeMutableBytes { read(poll.fd, $0.baseAddress, $0.count) }
        if count > 0 {
          let room = max(0, maxOutput - streams[index].bytes.count)
          streams[index].bytes.append(contentsOf: chunk[0..<min(count, room)])
        } else if count == 0 || errno != EINTR && errno != EAGAIN {
          streams[index].open = false
        }
      }
    }
    return true
  }

  /// Waits for the program to exit (it may outlive closing its output); nil if the deadline came first.
  private static func reap(_ pid: pid_t, until deadline: ContinuousClock.Instant) -> Status? {
    while true {
      if let status = waitForExit(pid, options: WNOHANG) { return status }
      guard ContinuousClock.now < deadline else { return nil }
      usleep(5_000)
    }
  }

  private static func waitForExit(_ pid: pid_t, options: Int32) -> Status? {
    var status: Int32 = 0
    while true {
      let result = waitpid(pid, &status, options)
      if result == pid { break }
      if result < 0 && errno == EINTR { continue }
      if result < 0 { return .exited(-1) }  // Already reaped elsewhere: the exit status is unknown.
      return nil
    }
    let signal = status & 0x7f
    return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
  }
}
