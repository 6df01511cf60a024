import Foundation

/// Fresh directories under the system temporary directory, one per test.
public enum TemporaryDirectory {
  public static func make(prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("coldtrace-\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// Waits for a condition with a deadline; tests never sleep a fixed time and hope.
public func eventually(
  timeout: Double = 10, interval: Double = 0.02, _ condition: () throws -> Bool
) rethrows -> Bool {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if try condition() { return true }
    Thread.sleep(forTimeInterval: interval)
  }
  return try condition()
}
