import Foundation
import TestSupport
import Testing

/// deploy/install.sh and the scripts beside it parse, and the install plan (`--dry-run`) covers what a host needs.
struct InstallScriptTests {
  private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  private static func bash(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(URL(fileURLWithPath: "/bin/bash"), arguments)
  }

  private static func plan(_ arguments: [String]) throws -> String {
    let result = try bash([repository.appendingPathComponent("deploy/install.sh").path, "--dry-run"] + arguments)
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout
  }

  @Test(arguments: ["deploy/install.sh", "deploy/mosquitto/make-certs.sh", "deploy/mosquitto/add-site.sh"])
  func theScriptParses(_ script: String) throws {
    let path = Self.repository.appendingPathComponent(script).path
    let result = try Self.bash(["-n", path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(FileManager.default.isExecutableFile(atPath: path))
  }

  @Test func theCollectorPlanInstallsTheBrokerTheCollectorAndItsUnit() throws {
    let plan = try Self.plan(["--collector", "--broker-host", "broker.example", "--broker-host", "203.0.113.7"])
    #expect(plan.contains("dry run"))
    for expected in [
      "scripts/bootstrap.sh", "mosquitto", "swift build", "-c release", "/usr/local/bin/coldtrace",
      "useradd --system", "coldtrace", "/var/lib/coldtrace", "/var/log/coldtrace", "/etc/coldtrace/pki",
      "make-certs.sh /etc/coldtrace/pki broker.example 203.0.113.7", "/etc/mosquitto/conf.d/coldtrace.conf",
      "/etc/mosquitto/coldtrace.acl", "/etc/mosquitto/coldtrace.passwd", "-g mosquitto",
      "/etc/mosquitto/certs/coldtrace-broker.key", "/etc/coldtrace/collector.toml",
      "/etc/systemd/system/coldtrace-collector.service", "systemctl enable coldtrace-collector.service",
    ] {
      #expect(plan.contains(expected), "collector plan lacks \(expected):\n\(plan)")
    }
    #expect(!plan.contains("coldtrace-agent"))
  }

  @Test func theEdgePlanInstallsAStaticAgentItsUserConfigCertificatesAndUnit() throws {
    let plan = try Self.plan(["--edge", "--certs", "/tmp/site-certs", "--site", "hongxuan"])
    for expected in [
      "scripts/bootstrap.sh", "--static-swift-stdlib", "--product coldtrace-agent", "/usr/local/bin/coldtrace-agent",
      "coldtrace-agent", "/var/lib/coldtrace-agent", "dialout", "/etc/coldtrace/agent.toml",
      "/etc/coldtrace/ca.crt", "/etc/coldtrace/hongxuan.crt", "/etc/coldtrace/hongxuan.key",
      "/etc/systemd/system/coldtrace-agent.service", "systemctl enable coldtrace-agent.service",
    ] {
      #expect(plan.contains(expected), "edge plan lacks \(expected):\n\(plan)")
    }
    #expect(!plan.contains("/etc/mosquitto"))
    #expect(!plan.contains("/var/lib/coldtrace "))
  }

  @Test func aPlanWithoutARoleOrWithUnknownArgumentsIsRefused() throws {
    let script = Self.repository.appendingPathComponent("deploy/install.sh").path
    for arguments in [["--dry-run"], ["--edge", "--dry-run", "--bogus"], ["--edge", "--dry-run", "--certs", "/x"]] {
      let result = try Self.bash([script] + arguments)
      #expect(result.status == 2, "\(arguments): \(result.stdout)")
      #expect(!result.stdout.contains("would run"))
    }
  }

  @Test func theUnitsRestartOnFailureAndWriteOnlyTheirDataPaths() throws {
    let units = [
      "coldtrace-agent.service": ["ReadWritePaths=/var/lib/coldtrace-agent", "User=coldtrace-agent"],
      "coldtrace-collector.service": ["ReadWritePaths=/var/lib/coldtrace /var/log/coldtrace", "User=coldtrace"],
    ]
    for (unit, specific) in units {
      let text = try String(
        contentsOf: Self.repository.appendingPathComponent("deploy/systemd/\(unit)"), encoding: .utf8)
      let lines = Set(text.split(separator: "\n").map(String.init))
      for line in ["Restart=on-failure", "ProtectSystem=strict", "KillSignal=SIGTERM", "NoNewPrivileges=true"]
        + specific
      {
        #expect(lines.contains(line), "\(unit) lacks \(line)")
      }
      #expect(text.split(separator: "\n").filter { $0.hasPrefix("ReadWritePaths=") }.count == 1, "\(unit)")
    }
  }

  @Test func theBrokerConfigurationRefusesAnonymousClientsAndRequiresCertificates() throws {
    let text = try String(
      contentsOf: Self.repository.appendingPathComponent("deploy/mosquitto/coldtrace.conf"), encoding: .utf8)
    let lines = Set(text.split(separator: "\n").map(String.init))
    for line in [
      "allow_anonymous false", "require_certificate true", "persistence true", "max_queued_messages 0",
      "password_file /etc/mosquitto/coldtrace.passwd", "acl_file /etc/mosquitto/coldtrace.acl",
      "listener 8883", "listener 1883 127.0.0.1",
    ] {
      #expect(lines.contains(line), "coldtrace.conf lacks \(line)")
    }
    #expect(!lines.contains("allow_anonymous true"))
  }
}
