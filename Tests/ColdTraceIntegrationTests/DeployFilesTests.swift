import Foundation
import TestSupport
import Testing

/// The example configurations in deploy/ are accepted by the programs they are for.
struct DeployFilesTests {
  private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func theAgentAcceptsTheExampleAgentConfig() throws {
    let config = Self.repository.appendingPathComponent("deploy/agent.toml").path
    let result = try Executables.run(Executables.product("coldtrace-agent"), ["check-config", "--config", config])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("site hongxuan, agent hx-edge-1, 1 sensors"))
  }

  @Test func theCollectorAcceptsTheExampleCollectorConfig() throws {
    let config = Self.repository.appendingPathComponent("deploy/collector.toml").path
    let result = try Executables.run(Executables.product("coldtrace"), ["products", "--config", config])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Default product for rooms without an assignment: litchi"))
  }
}
