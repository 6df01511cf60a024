import Foundation

/// Debian's Chromium, headless: the HTML reports' render tests take a screenshot of a page with it.
public enum HeadlessChromium {
  public static let path = "/usr/bin/chromium"

  public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

  /// Renders `page` into the PNG `screenshot` in a `width`×`height` window, with a throw-away profile in `directory`
  /// (killed after 90 s); returns Chromium's exit status and the end of its standard error.
  public static func screenshot(
    of page: URL, to screenshot: URL, in directory: URL, width: Int = 1000, height: Int = 1400
  ) throws -> (status: Int32, stderr: String) {
    let run = try Executables.run(
      URL(fileURLWithPath: "/usr/bin/timeout"),
      [
        "-k", "5", "90", path, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--screenshot=\(screenshot.path)",
        "--window-size=\(width),\(height)", page.absoluteString,
      ])
    return (run.status, String(run.stderr.suffix(300)))
  }
}
