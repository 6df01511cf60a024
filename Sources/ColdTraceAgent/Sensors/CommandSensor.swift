import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

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
    switch ChildProcess.run(command, timeoutSeconds: timeoutSeconds) {
    case .failedToStart(let reason):
      return .fault("\(program): cannot start \(command[0]): \(reason)")
    case .timedOut:
      return .fault("\(program): no answer after \(JSONText.number(timeoutSeconds)) s; killed")
    case .finished(let termination, let output, let errors):
      return interpret(termination: termination, output: output, errors: errors)
    }
  }

  private func interpret(termination: Termination, output: [UInt8], errors: [UInt8]) -> SensorValue {
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
    if termination != .exited(0) {
      let detail = ChildProcess.firstLine(errors).map { ": \($0)" } ?? ""
      return .fault("\(program): \(termination)\(detail)")
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
    let (command, timeout) = try settings(table, example: #"["/usr/local/bin/read-probe", "--bus", "1"]"#)
    return { _ in CommandSensor(id: id, room: room, command: command, timeoutSeconds: timeout) }
  }

  /// `command` and `timeout_seconds` of a command sensor's or input's table; `example` shows a `command` value in
  /// the error when it is missing.
  static func settings(_ table: ConfigTable, example: String) throws(ConfigError) -> (
    command: [String], timeoutSeconds: Double
  ) {
    guard let command = try table.strings("command") else {
      throw table.invalid("command", "is required, e.g. command = \(example)")
    }
    guard let program = command.first, program.hasPrefix("/") else {
      throw table.invalid("command", "must start with the program's absolute path (it is run without a shell)")
    }
    return (command, try table.double("timeout_seconds", .within(0.1...600), default: 4))
  }
}
