import Foundation

/// Finds programs: the package's own binaries next to the test bundle, and system tools on PATH.
public enum Executables {
  /// The directory holding this build's products (`.build/debug`), where `coldtrace` and `coldtrace-agent` are.
  public static var buildProducts: URL {
    if let override = ProcessInfo.processInfo.environment["COLDTRACE_BIN_DIR"] {
      return URL(fileURLWithPath: override)
    }
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = executable.deletingLastPathComponent()
    // Inside `X.xctest/` bundles on some layouts: walk up until the products are found.
    for _ in 0..<3 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("coldtrace").path) {
      directory = directory.deletingLastPathComponent()
    }
    return directory
  }

  public static func product(_ name: String) -> URL { buildProducts.appendingPathComponent(name) }

  /// Runs a program to completion and returns its exit status, standard output and standard error.
  @discardableResult
  public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws
    -> (status: Int32, stdout: String, stderr: String)
  {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
  }

  /// Runs the `coldtrace` shell tool on the database `db` (`--db` last), in the C locale (English text).
  @discardableResult
  public static func coldtrace(_ arguments: [String], db: String) throws
    -> (status: Int32, stdout: String, stderr: String)
  {
    try run(product("coldtrace"), arguments + ["--db", db], environment: ["LANG": "C"])
  }
}
