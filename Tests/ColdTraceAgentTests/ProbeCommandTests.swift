import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace-agent probe` as an operator runs it (its output pasted under a site and agent is a valid config), and
/// `run --sysfs-root` reading a fixture tree.
@Suite("coldtrace-agent probe and --sysfs-root")
struct ProbeCommandTests {
  private let agent = Executables.product("coldtrace-agent")

  @Test func printsTablesThatCheckConfigAccepts() throws {
    let probe = try Executables.run(agent, ["probe", "--sysfs-root", SysfsFixtures.pi])
    #expect(probe.status == 0, "\(probe.stderr)")
    #expect(probe.stdout.contains("# 1-wire DS18B20 28-0316a2b3c4ff: now 3.44 °C\n[[sensor]]\n"))
    #expect(probe.stdout.contains("# IIO hdc100x (iio:device1): now 3.5 °C, 91 %RH\n"))
    #expect(probe.stdout.contains("# hwmon sht3x (hwmon1) channel 1: now 3.51 °C, 90.85 %RH\n"))
    let directory = try TemporaryDirectory.make(prefix: "probe")
    let config = directory.appendingPathComponent("agent.toml")
    try ("site = \"hongxuan\"\nagent = \"hx-edge-1\"\n\n" + probe.stdout).write(
      to: config, atomically: true, encoding: .utf8)
    let check = try Executables.run(agent, ["check-config", "--config", config.path])
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stdout.contains("site hongxuan, agent hx-edge-1, 6 sensors"), "\(check.stdout)")
  }

  /// A GPIO door contact under a fake sysfs root, a command reading a defrost relay, and a GPIO line never exported.
  @Test func probeWithConfigShowsEachInputsState() throws {
    let directory = try TemporaryDirectory.make(prefix: "probe-inputs")
    defer { try? FileManager.default.removeItem(at: directory) }
    let line = directory.appendingPathComponent("sys/class/gpio/gpio27")
    try FileManager.default.createDirectory(at: line, withIntermediateDirectories: true)
    try "1\n".write(to: line.appendingPathComponent("value"), atomically: true, encoding: .utf8)
    let config = directory.appendingPathComponent("agent.toml")
    try """
    site = "hongxuan"
    agent = "hx-edge-1"

    [[input]]
    id = "cold2-door"
    room = "cold2"
    signal = "door"
    driver = "gpio"
    path = "/sys/class/gpio/gpio27/value"

    [[input]]
    id = "cold2-defrost"
    room = "cold2"
    signal = "defrost"
    driver = "command"
    command = ["/bin/echo", "off"]

    [[input]]
    id = "cold3-door"
    room = "cold3"
    signal = "door"
    driver = "gpio"
    path = "/sys/class/gpio/gpio22/value"
    """.write(to: config, atomically: true, encoding: .utf8)
    let probe = try Executables.run(agent, ["probe", "--config", config.path, "--sysfs-root", directory.path])
    #expect(probe.status == 0, "\(probe.stderr)")
    let lines = probe.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 4, "\(probe.stdout)")
    #expect(lines.contains("cold2-door  cold2  door  gpio  open"))
    #expect(lines.contains("cold2-defrost  cold2  defrost  command  not defrosting"))
    #expect(
      lines.contains {
        $0.hasPrefix("cold3-door  cold3  door  gpio  FAULT: gpio ") && $0.hasSuffix("No such file or directory")
      })
    let check = try Executables.run(agent, ["check-config", "--config", config.path])
    #expect(check.stdout.contains("0 sensors, 3 inputs, broker"), "\(check.stdout)")
  }

  @Test func showsFaultsAsComments() throws {
    let probe = try Executables.run(agent, ["probe", "--sysfs-root", SysfsFixtures.faults])
    #expect(probe.status == 0, "\(probe.stderr)")
    #expect(probe.stdout.contains("fault now: 28-000005e2fdc3: CRC failed (check the cable)"))
    #expect(probe.stdout.contains("# not usable as is: 2 chips are named sht3x (hwmon0, hwmon3)"))
  }

  @Test func saysSoWhenThereIsNothingToFind() throws {
    let probe = try Executables.run(agent, ["probe", "--sysfs-root", SysfsFixtures.empty])
    #expect(probe.status == 0, "\(probe.stderr)")
    #expect(probe.stdout.hasPrefix("# No 1-wire (family 28), IIO or hwmon temperature/humidity sensors found under "))
    #expect(probe.stdout.split(separator: "\n").count == 1)
  }

  @Test func refusesARootThatDoesNotExist() throws {
    let probe = try Executables.run(agent, ["probe", "--sysfs-root", "/nonexistent/sysfs"])
    #expect(probe.status == 2)
    #expect(probe.stderr.contains("--sysfs-root /nonexistent/sysfs does not exist"))
  }

  @Test func runReadsTheSysfsTreeItIsGivenAndAMissingProbeDoesNotStopTheOthers() throws {
    let sub = try #require(ChildProcess.system("mosquitto_sub"), "mosquitto_sub is not installed")
    let broker = try MosquittoBroker()
    let directory = try TemporaryDirectory.make(prefix: "run-sysfs")
    let received = directory.appendingPathComponent("received.txt")
    let subscriber = try ChildProcess(
      name: "mosquitto_sub", executable: sub,
      arguments: [
        "-h", "127.0.0.1", "-p", String(broker.port), "-i", "sysfs-watcher", "-q", "1", "-v", "-C", "2", "-W", "60",
        "-t", "coldtrace/v1/reading/#",
      ], log: received.path)
    defer { subscriber.stop() }
    #expect(eventually { ((try? String(contentsOf: broker.logFile, encoding: .utf8)) ?? "").contains("sysfs-watcher") })
    let config = directory.appendingPathComponent("agent.toml")
    try """
    site = "hongxuan"
    agent = "hx-edge-9"
    broker = "\(broker.url)"
    state_dir = "\(directory.appendingPathComponent("state").path)"
    interval_seconds = 1

    [[sensor]]
    id = "cold2-floor"
    room = "cold2"
    driver = "w1"
    device = "28-0316a2b3c4ff"

    [[sensor]]
    id = "cold2-door"
    room = "cold2"
    driver = "w1"
    device = "28-0000deadbeef"
    """.write(to: config, atomically: true, encoding: .utf8)
    let run = try Executables.run(
      agent,
      ["run", "--config", config.path, "--sysfs-root", SysfsFixtures.pi, "--samples", "1", "--drain-seconds", "0"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(subscriber.wait(seconds: 30))
    let lines = try String(contentsOf: received, encoding: .utf8).split(separator: "\n")
    let floor = try #require(lines.first { $0.hasPrefix("coldtrace/v1/reading/hongxuan/cold2/cold2-floor ") })
    let door = try #require(lines.first { $0.hasPrefix("coldtrace/v1/reading/hongxuan/cold2/cold2-door ") })
    #expect(floor.contains("\"temp_c\":3.437"), "\(floor)")
    #expect(door.contains("28-0000deadbeef: not on the 1-wire bus"), "\(door)")
  }
}
