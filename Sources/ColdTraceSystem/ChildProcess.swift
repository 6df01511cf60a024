import Foundation

/// A program started by another and stopped by it: the demo's broker, collector and agent; a test's collector.
public final class ChildProcess {
  public let name: String
  private let process = Process()

  public init(name: String, executable: String, arguments: [String], log: URL) throws {
    self.name = name
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw UsageError("cannot start \(name) (\(executable)): \(error.localizedDescription)")
    }
  }

  public var isRunning: Bool { process.isRunning }
  public var exitStatus: Int32 { process.terminationStatus }

  /// Waits up to `seconds` for the program to exit by itself.
  @discardableResult
  public func wait(seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    return !process.isRunning
  }

  /// SIGTERM, then SIGKILL if it has not exited after `grace` seconds.
  public func stop(grace: Double = 5) {
    guard process.isRunning else { return }
    process.terminate()
    if !wait(seconds: grace) {
      Glibc.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  /// Kills the program with SIGKILL, as a power cut or the OOM killer would, and reaps it.
  public func kill() {
    guard process.isRunning else { return }
    Glibc.kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// A sibling program installed next to this one (`coldtrace-agent` next to `coldtrace`).
  public static func sibling(_ name: String) -> String {
    let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return me.deletingLastPathComponent().appendingPathComponent(name).path
  }

  /// The path of a system program, or `nil` when it is not installed.
  public static func system(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
      let candidate = "\(directory)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}
