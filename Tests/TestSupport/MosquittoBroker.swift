import ColdTraceSystem
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A real `mosquitto` broker on a free loopback port, for one test. Every test stops it (`stop()` in a `defer`, or
/// when the value is released).
public final class MosquittoBroker: @unchecked Sendable {
  public let port: Int
  public let directory: URL
  public let configFile: URL
  private var process: ChildProcess?

  public var url: String { "mqtt://127.0.0.1:\(port)" }
  public var logFile: URL { directory.appendingPathComponent("mosquitto.log") }

  /// Starts a broker. `persistence` keeps queued messages on disk across restarts; `extraConfig` is appended.
  ///
  /// With `anonymousListener: false` the broker gets no default listener: `extraConfig` brings every listener (a
  /// production-like configuration, e.g. deploy/mosquitto/coldtrace.conf), and `port` names the one to wait for.
  public init(
    persistence: Bool = false, extraConfig: String = "", anonymousListener: Bool = true, port chosenPort: Int? = nil
  ) throws {
    directory = try TemporaryDirectory.make(prefix: "broker")
    guard let port = chosenPort ?? FreePort.find() else { throw TestSupportError("no free loopback port") }
    self.port = port
    configFile = directory.appendingPathComponent("mosquitto.conf")
    var config = anonymousListener ? "listener \(port) 127.0.0.1\nallow_anonymous true\n" : ""
    config += """
      max_queued_messages 0
      persistence \(persistence ? "true" : "false")
      persistence_location \(directory.path)/
      autosave_interval 1
      log_dest file \(directory.path)/mosquitto.log
      log_type error
      log_type warning
      log_type notice
      log_type information

      """
    if getuid() == 0 { config += "user root\n" }
    config += extraConfig
    try config.write(to: configFile, atomically: true, encoding: .utf8)
    try launch()
  }

  deinit { stop() }

  public func launch() throws {
    guard let mosquitto = ChildProcess.system("mosquitto") else {
      throw TestSupportError("mosquitto is not installed (scripts/bootstrap.sh installs it)")
    }
    process = try ChildProcess(
      name: "mosquitto", executable: mosquitto, arguments: ["-c", configFile.path],
      log: directory.appendingPathComponent("mosquitto.out").path)
    guard FreePort.waitUntilListening(port: port, timeout: 10) else {
      throw TestSupportError("mosquitto is not listening on 127.0.0.1:\(port) after 10 s; see \(logFile.path)")
    }
  }

  /// Stops the broker with SIGTERM (it saves its persistence file) and waits for it.
  public func stop() {
    process?.stop()
    process = nil
  }

  /// Kills the broker with SIGKILL: whatever it queued since its last autosave is gone.
  public func kill() {
    process?.kill()
    process = nil
  }

  public func restart() throws {
    stop()
    try launch()
  }
}

public struct TestSupportError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
