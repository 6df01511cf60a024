import Foundation
import TestSupport
import Testing

/// `deploy/install.sh --site-broker` and `deploy/mosquitto/make-site-broker.sh`: the plan a dry run prints, the
/// configuration the generator writes, and the bad input both refuse (exit 2, one line, nothing planned).
struct SiteBrokerInstallTests {
  private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  private static func bash(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try Executables.run(URL(fileURLWithPath: "/bin/bash"), arguments)
  }
  private static let installer = repository.appendingPathComponent("deploy/install.sh").path
  private static let generator = repository.appendingPathComponent("deploy/mosquitto/make-site-broker.sh").path

  /// A directory with what add-site.sh hands a site (the files' contents do not matter to a plan).
  private static func siteFiles() throws -> URL {
    let directory = try TemporaryDirectory.make(prefix: "site-files")
    for name in ["ca.crt", "hongxuan.crt", "hongxuan.key"] {
      try "-----BEGIN CERTIFICATE-----\n".write(
        to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    try "hx-s3cret\n".write(to: directory.appendingPathComponent("password"), atomically: true, encoding: .utf8)
    return directory
  }

  @Test func theScriptsParse() throws {
    for script in [Self.installer, Self.generator] {
      #expect(try Self.bash(["-n", script]).status == 0)
      #expect(FileManager.default.isExecutableFile(atPath: script))
    }
  }

  @Test func theSiteBrokerPlanInstallsMosquittoItsCertificatesAndTheBridgeAndBuildsNothing() throws {
    let files = try Self.siteFiles()
    let result = try Self.bash([
      Self.installer, "--site-broker", "--dry-run", "--site", "hongxuan", "--centre", "broker.example",
      "--certs", files.path, "--password-file", files.appendingPathComponent("password").path,
      "--forward", "zigbee2mqtt",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let plan = result.stdout
    for expected in [
      "ok       \(files.path)/hongxuan.key", "scripts/bootstrap.sh --runtime mosquitto mosquitto-clients",
      "/etc/mosquitto/ca_certificates/coldtrace-ca.crt", "/etc/mosquitto/certs/coldtrace-site.crt",
      "-m 0640 -o root -g mosquitto \(files.path)/hongxuan.key /etc/mosquitto/certs/coldtrace-site.key",
      "would write /etc/mosquitto/conf.d/coldtrace-site.conf", "--centre broker.example", "--forward zigbee2mqtt",
      "systemctl restart mosquitto",
    ] {
      #expect(plan.contains(expected), "site broker plan lacks \(expected):\n\(plan)")
    }
    for absent in ["swift build", "coldtrace-agent", "useradd --system", "hx-s3cret"] {
      #expect(!plan.contains(absent), "the site broker plan has \(absent):\n\(plan)")
    }
  }

  @Test func localLoginsAreInstalledWhereMosquittoReadsThemAndGivenToTheGenerator() throws {
    let files = try Self.siteFiles()
    let logins = files.appendingPathComponent("local.passwd")
    try "zigbee2mqtt:$7$101$c2FsdA==$aGFzaA==\n".write(to: logins, atomically: true, encoding: .utf8)
    let result = try Self.bash([
      Self.installer, "--site-broker", "--dry-run", "--site", "hongxuan", "--centre", "broker.example",
      "--certs", files.path, "--password-file", files.appendingPathComponent("password").path,
      "--listen", "0.0.0.0", "--local-passwd", logins.path,
    ])
    #expect(result.status == 0, "\(result.stderr)")
    for expected in [
      "ok       \(logins.path)",
      "install -D -m 0640 -o root -g mosquitto \(logins.path) /etc/mosquitto/coldtrace-site.passwd",
      "--listen 0.0.0.0:1883 --local-passwd /etc/mosquitto/coldtrace-site.passwd",
    ] {
      #expect(result.stdout.contains(expected), "site broker plan lacks \(expected):\n\(result.stdout)")
    }
    // A file that is not there: the generator's check refuses it before anything is planned for mosquitto.
    let missing = try Self.bash([
      Self.installer, "--site-broker", "--dry-run", "--site", "hongxuan", "--centre", "broker.example",
      "--certs", files.path, "--password-file", files.appendingPathComponent("password").path,
      "--local-passwd", files.appendingPathComponent("nonexistent").path,
    ])
    #expect(missing.status == 2 && missing.stderr.contains("cannot read"), "\(missing)")
    #expect(!missing.stdout.contains("systemctl restart mosquitto"))
  }

  @Test func theGeneratedBridgeKeepsEverythingAndMovesOnlyTheSitesOwnTopics() throws {
    let files = try Self.siteFiles()
    let result = try Self.bash([
      Self.generator, "hongxuan", "--centre", "broker.example", "--ca", files.appendingPathComponent("ca.crt").path,
      "--cert", files.appendingPathComponent("hongxuan.crt").path,
      "--key", files.appendingPathComponent("hongxuan.key").path,
      "--password-file", files.appendingPathComponent("password").path, "--forward", "zigbee2mqtt",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = Set(result.stdout.split(separator: "\n").map(String.init))
    for line in [
      "address broker.example:8883", "remote_clientid coldtrace-bridge-hongxuan", "cleansession false",
      "local_cleansession false", "max_queued_messages 0", "max_queued_bytes 0", "persistence true",
      "notifications true", "notification_topic coldtrace/v1/bridge/hongxuan", "bridge_insecure false",
      "remote_username hongxuan", "remote_password hx-s3cret", "restart_timeout 5 60",
      "topic coldtrace/v1/reading/hongxuan/# out 1", "topic coldtrace/v1/status/hongxuan/# out 1",
      "topic coldtrace/v1/ack/hongxuan/# in 1", "topic coldtrace/v1/limits/hongxuan/# in 1",
      "topic # out 1 zigbee2mqtt/ sites/hongxuan/zigbee2mqtt/", "listener 1883 127.0.0.1",
    ] {
      #expect(lines.contains(line), "the site broker's configuration lacks \(line):\n\(result.stdout)")
    }
    let topics = lines.filter { $0.hasPrefix("topic ") }
    #expect(topics.count == 5)
    #expect(!result.stdout.contains("@"), "a placeholder was left:\n\(result.stdout)")
    #expect(!topics.contains { $0.contains(" both ") }, "a topic goes both ways (a loop)")
  }

  @Test func badInputIsOneLineAndExitTwo() throws {
    let files = try Self.siteFiles()
    let ca = files.appendingPathComponent("ca.crt").path
    let password = files.appendingPathComponent("password").path
    let refused: [[String]] = [
      [Self.generator, "hong/xuan", "--centre", "broker.example", "--ca", ca, "--password-file", password],
      [Self.generator, "collector", "--centre", "broker.example", "--ca", ca, "--password-file", password],
      [Self.generator, "hongxuan", "--ca", ca, "--password-file", password],
      [Self.generator, "hongxuan", "--centre", "broker example", "--ca", ca, "--password-file", password],
      [Self.generator, "hongxuan", "--centre", "broker.example", "--ca", "/nonexistent/ca.crt"],
      [Self.generator, "hongxuan", "--centre", "broker.example", "--ca", ca],
      [Self.generator, "hongxuan", "--centre", "b", "--ca", ca, "--password-file", password, "--forward", "a/#"],
      [Self.generator, "hongxuan", "--centre", "b", "--ca", ca, "--password-file", password, "--listen", "x:1"],
      [Self.installer, "--site-broker", "--dry-run", "--site", "hongxuan", "--certs", files.path],
      [Self.installer, "--edge", "--dry-run", "--centre", "broker.example"],
    ]
    for arguments in refused {
      let result = try Self.bash(arguments)
      #expect(result.status == 2, "\(arguments.dropFirst()): \(result.stdout)\(result.stderr)")
      #expect(!result.stdout.contains("would run"), "\(arguments.dropFirst()) planned steps")
    }
    let unreadable = try Self.bash([
      Self.generator, "hongxuan", "--centre", "broker.example", "--ca", "/nonexistent/ca.crt",
      "--password-file", password,
    ])
    #expect(unreadable.stderr == "make-site-broker: cannot read /nonexistent/ca.crt\n")
  }
}
