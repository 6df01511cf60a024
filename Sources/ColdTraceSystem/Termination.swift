/// How a child process ended.
public enum Termination: Equatable, Sendable, CustomStringConvertible {
  case exited(Int32)
  case signalled(Int32)
  /// Reaped by someone else (`waitpid` said ECHILD): ended, with no status to tell.
  case unknown

  /// From a `waitpid` status.
  init(waitStatus status: Int32) {
    let signal = status & 0x7F
    self = signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
  }

  public var description: String {
    switch self {
    case .exited(let code): "exited with status \(code)"
    case .signalled(let signal): "killed by signal \(signal)"
    case .unknown: "ended with an unknown status"
    }
  }
}
