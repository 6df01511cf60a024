import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// deploy/prometheus/ passes Prometheus's own checks: the scrape config and the rules load, and the rule unit test
/// (the silent-probe rule fires for a probe that stopped, not for one that reports) passes.
struct PrometheusRulesTests {
  private static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("deploy/prometheus")

  @Test(arguments: [
    ["check", "rules", "coldtrace-rules.yml"], ["check", "config", "prometheus.yml"],
    ["test", "rules", "coldtrace-rules.test.yml"],
  ])
  func promtoolAccepts(_ arguments: [String]) throws {
    let promtool = try #require(
      ChildProcess.system("promtool"), "promtool is not installed (Debian's prometheus; scripts/bootstrap.sh)")
    let files = arguments.dropFirst(2).map { Self.directory.appendingPathComponent($0).path }
    let result = try Executables.run(URL(fileURLWithPath: promtool), Array(arguments.prefix(2)) + files)
    #expect(result.status == 0, "promtool \(arguments.joined(separator: " ")): \(result.stdout)\(result.stderr)")
    #expect((result.stdout + result.stderr).contains("SUCCESS"))
  }
}
