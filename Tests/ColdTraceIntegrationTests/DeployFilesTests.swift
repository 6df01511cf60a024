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

  @Test func theCollectorAcceptsTheExampleNotificationChannelsUncommented() throws {
    let example = try String(
      contentsOf: Self.repository.appendingPathComponent("deploy/collector.toml"), encoding: .utf8)
    // The commented [[notify]] tables: from the first one to the blank line after the last.
    let lines = example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let first = try #require(lines.firstIndex(of: "# [[notify]]"))
    let end = try #require(lines[first...].firstIndex(of: ""))
    // "# key = value" becomes "key = value", "# # note" a comment, "#" a blank line.
    let channels = lines[first..<end].map { String($0.dropFirst(2)) }
    let directory = try TemporaryDirectory.make(prefix: "deploy-notify")
    let config = directory.appendingPathComponent("collector.toml")
    try channels.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
    #expect(channels.filter { $0 == "[[notify]]" }.count == 2)
    let result = try Executables.run(
      Executables.product("coldtrace"), ["notify", "test", "nope", "--config", config.path])
    #expect(result.status == 2)
    #expect(result.stderr == "coldtrace: no channel named \"nope\" (configured: email, sms)\n", "\(result.stderr)")
  }
  @Test func theCollectorAcceptsTheExampleSourcesUncommented() throws {
    let example = try String(
      contentsOf: Self.repository.appendingPathComponent("deploy/collector.toml"), encoding: .utf8)
    let lines = example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let first = try #require(lines.firstIndex(of: "# [[source]]"))
    let end = lines[first...].firstIndex(of: "") ?? lines.endIndex
    let sources = lines[first..<end].map { String($0.dropFirst(2)) }
    let directory = try TemporaryDirectory.make(prefix: "deploy-sources")
    let config = directory.appendingPathComponent("collector.toml")
    try sources.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
    #expect(sources.filter { $0 == "[[source]]" }.count == 2)
    let result = try Executables.run(Executables.product("coldtrace"), ["products", "--config", config.path])
    #expect(result.status == 0, "\(result.stderr)")
  }
  @Test func theCollectorAcceptsTheOperationsGuidesSourceExamples() throws {
    let blocks = try ["site = \"hongxuan\"\npreset = \"zigbee2mqtt\"", "preset = \"tasmota\""].map {
      try GuideExamples.block("docs/operations.md", containing: $0)
    }
    let directory = try TemporaryDirectory.make(prefix: "guide-sources")
    let config = directory.appendingPathComponent("collector.toml")
    try blocks.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
    let result = try Executables.run(Executables.product("coldtrace"), ["products", "--config", config.path])
    #expect(result.status == 0, "\(result.stderr)")
  }
  @Test func theAgentAcceptsTheOperationsGuidesMQTTSourceExample() throws {
    let block = try GuideExamples.block("docs/operations.md", containing: "[[mqtt_source]]")
    let directory = try TemporaryDirectory.make(prefix: "guide-mqtt-source")
    let config = directory.appendingPathComponent("agent.toml")
    try block.write(to: config, atomically: true, encoding: .utf8)
    let result = try Executables.run(Executables.product("coldtrace-agent"), ["check-config", "--config", config.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("0 sensors, 2 mqtt sources"), "\(result.stdout)")
  }
}
