import ColdTraceCore
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// Sounds or silences the edge alarm on the configured output (`EdgeAlarmConfiguration.Output`).
public struct EdgeAlarmOutput: Sendable {
  public let output: EdgeAlarmConfiguration.Output

  public init(_ output: EdgeAlarmConfiguration.Output) { self.output = output }

  /// Drives the output to `on`; `payload` is the alarm as JSON for a command. Returns why it failed, or `nil`.
  public func drive(_ on: Bool, payload: String) -> String? {
    switch output {
    case .gpio(let path, let activeLow): return Self.write(on != activeLow ? "1\n" : "0\n", to: path)
    case .command(let command, let timeout): return Self.run(command, on: on, payload: payload, timeout: timeout)
    }
  }

  /// Whether driving it again after a failure is harmless: a GPIO line yes, a command (an SMS) no.
  public var retriesAfterFailure: Bool {
    if case .gpio = output { return true }
    return false
  }

  /// Writes a GPIO line's value file (it must exist: the line is exported and set as an output by the system).
  static func write(_ text: String, to path: String) -> String? {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return "gpio \(path): \(errnoDescription())" }
    defer { close(fd) }
    do {
      try DurableFile.writeAll(Array(text.utf8), to: fd, path: path)
    } catch {
      return "gpio \(path): \(error.reason)"
    }
    return nil
  }

  /// Runs the command with `ALARM=on|off` in its environment (through `/usr/bin/env`, as the agent runs programs
  /// without a shell) and the alarm on its standard input.
  static func run(_ command: [String], on: Bool, payload: String, timeout: Double) -> String? {
    let program = command[0].split(separator: "/").last.map(String.init) ?? command[0]
    let invocation = ["/usr/bin/env", "ALARM=\(on ? "on" : "off")"] + command
    switch ChildProcess.run(invocation, input: Array(payload.utf8), timeoutSeconds: timeout) {
    case .failedToStart(let reason): return "\(program): cannot start: \(reason)"
    case .timedOut: return "\(program): no exit after \(JSONText.number(timeout)) s; killed"
    case .finished(let termination, _, let errors):
      guard termination == .exited(0) else {
        return "\(program): \(termination)" + (ChildProcess.firstLine(errors).map { ": \($0)" } ?? "")
      }
      return nil
    }
  }
}
