import ColdTraceConfig
import ColdTraceCore
import ColdTraceSystem

/// A contact read by a program of the operator's (`driver = "command"`), run like a command sensor's (no shell, in a
/// process group of its own, killed with its children after its timeout). It prints one word: `1`, `on`, `true` or
/// `open` for an active contact (defrosting, door open), `0`, `off`, `false` or `closed` for an idle one.
public final class CommandInput: RoomInput, Sendable {
  public let command: [String]
  public let timeoutSeconds: Double
  private let program: String

  public init(command: [String], timeoutSeconds: Double) {
    self.command = command
    self.timeoutSeconds = timeoutSeconds
    program = command.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "command"
  }

  static let active: Set<String> = ["1", "on", "true", "open"]
  static let idle: Set<String> = ["0", "off", "false", "closed"]

  public func read(at time: Timestamp) -> InputValue {
    switch ChildProcess.run(command, timeoutSeconds: timeoutSeconds) {
    case .failedToStart(let reason):
      return .fault("\(program): cannot start \(command[0]): \(reason)")
    case .timedOut:
      return .fault("\(program): no answer after \(JSONText.number(timeoutSeconds)) s; killed")
    case .finished(let termination, let output, let errors):
      guard termination == .exited(0) else {
        let detail = ChildProcess.firstLine(errors).map { ": \($0)" } ?? ""
        return .fault("\(program): \(termination)\(detail)")
      }
      let word = (ChildProcess.firstLine(output) ?? "").lowercased()
      if Self.active.contains(word) { return .state(true) }
      if Self.idle.contains(word) { return .state(false) }
      let printed = word.isEmpty ? "nothing" : "\"\(word)\""
      return .fault("\(program): printed \(printed), not one of 0/1, on/off, true/false, open/closed")
    }
  }
}

/// `driver = "command"` in an `[[input]]` table: `command` (the program and its arguments, an array of strings, the
/// program by absolute path) and `timeout_seconds` (default 4), as for a command sensor.
public enum CommandInputDriver: InputDriver {
  public static let name = "command"
  public static let keys: Set<String> = CommandDriver.keys

  public static func factory(signal: RoomSignal, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any RoomInput
  {
    let (command, timeout) = try CommandDriver.settings(table, example: #"["/usr/local/bin/read-defrost"]"#)
    return { _ in CommandInput(command: command, timeoutSeconds: timeout) }
  }
}
