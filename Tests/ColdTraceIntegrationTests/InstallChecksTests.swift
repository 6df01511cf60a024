import Foundation
import TestSupport
import Testing

/// What deploy/install.sh checks before it changes anything, what it installs on a production box, how it treats the
/// broker certificate's names, and how hardened its systemd units are (scripts/install-test.sh runs all of it for
/// real on a booted Debian 12).
struct InstallChecksTests {
  private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  private static func script(_ path: String) -> String { repository.appendingPathComponent(path).path }
  private static func bash(_ arguments: [String], path: String? = nil) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    try Executables.run(
      URL(fileURLWithPath: "/bin/bash"), arguments, environment: path.map { ["PATH": $0, "SUDO_USER": ""] })
  }

  @Test func aPathWithoutTheSystemDirectoriesIsReportedBeforeAnythingChanges() throws {
    // `sudo env PATH="$PATH"` with a user's PATH: no /usr/sbin, so no useradd.
    let result = try Self.bash([Self.script("deploy/install.sh"), "--edge", "--dry-run"], path: "/usr/bin:/bin")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("MISSING  useradd"), "\(result.stdout)")
    #expect(result.stdout.contains("MISSING  usermod"), "\(result.stdout)")
    let stop = try #require(result.stdout.range(of: "install: a real run would stop here"), "\(result.stdout)")
    #expect(!result.stdout[..<stop.lowerBound].contains("would run"), "a step came before the checks")
  }

  @Test func underSudosSecurePathTheToolchainIsFoundOrTheFixIsNamed() throws {
    let securePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    let result = try Self.bash([Self.script("deploy/install.sh"), "--collector", "--dry-run"], path: securePath)
    #expect(result.status == 0, "\(result.stderr)")
    // install.sh's order: PATH first, then where toolchains are unpacked.
    let known =
      securePath.split(separator: ":").map { "\($0)/swift" }
      + ["/opt/swift/usr/bin/swift", "/usr/share/swift/usr/bin/swift", "/usr/local/swift/usr/bin/swift"]
    if let found = known.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
      #expect(result.stdout.contains("ok       swift (\(found))"), "\(result.stdout)")
      #expect(result.stdout.contains("\(found) build --package-path"), "\(result.stdout)")
    } else {
      #expect(result.stdout.contains("MISSING  swift: no Swift 6 toolchain"), "\(result.stdout)")
      #expect(result.stdout.contains("--swift /path/to/usr/bin/swift"), "\(result.stdout)")
    }
  }

  @Test func theSwiftOptionAndTheBuildCommitReachTheBuild() throws {
    let swift = try #require(
      ["/opt/swift/usr/bin/swift", "/usr/bin/swift"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map { "\($0)/swift" }
        .first { FileManager.default.isExecutableFile(atPath: $0) })
    let result = try Self.bash([Self.script("deploy/install.sh"), "--edge", "--dry-run", "--swift", swift])
    #expect(result.stdout.contains("ok       swift (\(swift))"), "\(result.stdout)")
    #expect(result.stdout.contains("COLDTRACE_BUILD_COMMIT="), "\(result.stdout)")
    #expect(result.stdout.contains("strip --strip-all"), "\(result.stdout)")
  }

  @Test func aProductionBoxGetsTheRuntimeLibrariesOnlyAndABuildBoxTheHeadersToo() throws {
    func list(_ mode: [String]) throws -> Set<String> {
      let result = try Self.bash([Self.script("scripts/bootstrap.sh")] + mode + ["--list"])
      #expect(result.status == 0, "\(result.stderr)")
      return Set(result.stdout.split(separator: "\n").map(String.init))
    }
    let runtime = try list(["--runtime"])
    let build = try list(["--build"])
    let everything = try list([])
    #expect(runtime.isSuperset(of: ["libmosquitto1", "libmodbus5", "libsqlite3-0", "libpq5", "openssl"]))
    #expect(build.isSuperset(of: runtime.union(["libmosquitto-dev", "libmodbus-dev", "libssl-dev", "pkg-config"])))
    #expect(everything.isSuperset(of: build.union(["chromium", "faketime", "prometheus", "mosquitto"])))
    for testOnly in ["chromium", "faketime", "prometheus", "gammu", "apprise", "msmtp"] {
      #expect(!build.contains(testOnly), "\(testOnly) is only for the tests")
    }
    #expect(runtime.allSatisfy { !$0.hasSuffix("-dev") }, "\(runtime)")
    let plan = try Self.bash([Self.script("deploy/install.sh"), "--edge", "--dry-run", "--bin-dir", "/nonexistent"])
    #expect(plan.stdout.contains("scripts/bootstrap.sh --runtime\n"), "\(plan.stdout)")
    #expect(plan.stdout.contains("MISSING  prebuilt /nonexistent/coldtrace-agent"), "\(plan.stdout)")
  }

  @Test func newBrokerNamesReissueTheBrokerCertificateFromTheSameCA() throws {
    let pki = try TemporaryDirectory.make(prefix: "install-pki").path
    let makeCerts = Self.script("deploy/mosquitto/make-certs.sh")
    let environment = ["KEY_BITS": "2048"]
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
      try Executables.run(URL(fileURLWithPath: "/bin/bash"), [makeCerts, pki] + arguments, environment: environment)
    }
    #expect(try run(["old.example"]).status == 0)
    let ca = try String(contentsOfFile: pki + "/ca.crt", encoding: .utf8)
    let refused = try run(["new.example", "203.0.113.7"])
    #expect(refused.status == 1)
    #expect(
      refused.stderr.contains("names DNS:old.example, not DNS:new.example,IP:203.0.113.7"), "\(refused.stderr)")
    #expect(refused.stderr.contains("\(makeCerts) \(pki) --reissue-broker new.example 203.0.113.7"))
    let reissued = try run(["--reissue-broker", "new.example", "203.0.113.7"])
    #expect(reissued.status == 0, "\(reissued.stderr)")
    let names = try Executables.run(
      URL(fileURLWithPath: "/usr/bin/openssl"),
      ["x509", "-in", pki + "/broker.crt", "-noout", "-ext", "subjectAltName"])
    #expect(names.stdout.contains("DNS:new.example, IP Address:203.0.113.7"), "\(names.stdout)")
    #expect(try String(contentsOfFile: pki + "/ca.crt", encoding: .utf8) == ca)
    let verified = try Executables.run(
      URL(fileURLWithPath: "/usr/bin/openssl"), ["verify", "-CAfile", pki + "/ca.crt", pki + "/broker.crt"])
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(try run(["new.example", "203.0.113.7"]).status == 0, "the same names again are kept")
  }

  @Test(arguments: [("coldtrace-collector.service", 3.0), ("coldtrace-agent.service", 4.0)])
  func theUnitsAreHardened(_ unit: String, _ ceiling: Double) throws {
    let result = try Executables.run(
      URL(fileURLWithPath: "/usr/bin/systemd-analyze"),
      ["security", "--offline=true", "--no-pager", Self.script("deploy/systemd/\(unit)")])
    let line = try #require(
      result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(result.stderr)")
    let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first, "\(line)")
    #expect(score <= ceiling, "\(line)")
  }

  @Test func theAgentKeepsItsSerialLinesAndSysfs() throws {
    let text = try String(contentsOfFile: Self.script("deploy/systemd/coldtrace-agent.service"), encoding: .utf8)
    let lines = Set(text.split(separator: "\n").map(String.init))
    for line in ["SupplementaryGroups=dialout", "DeviceAllow=char-ttyUSB rw", "DeviceAllow=char-ttyACM rw"] {
      #expect(lines.contains(line), "coldtrace-agent.service lacks \(line)")
    }
    for line in ["PrivateDevices=true", "ProtectKernelTunables=true"] {
      #expect(!lines.contains(line), "\(line) would hide the serial adapters or make /sys read-only")
    }
  }
}
