import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceAgent
import ColdTraceCore
import Foundation
import TestSupport
import Testing

/// The fake sysfs tree, read back by the agent's real drivers.
@Suite("Sysfs output")
struct SysfsOutputTests {
  @Test("the w1, hwmon and IIO drivers read what the simulator wrote; a CRC failure and a dropout become faults")
  func driversReadTheTree() throws {
    let root = try TemporaryDirectory.make(prefix: "sim-sysfs")
    defer { try? FileManager.default.removeItem(at: root) }
    let probes = [Probe(id: "28-0316a2b4c5d6"), Probe(id: "sht31-door", kind: .sht31), Probe(id: "d", kind: .dht22)]
    let writer = SysfsWriter(root: root.path, probes: probes)
    let w1 = W1Sensor(id: "a", room: "r", device: "28-0316a2b4c5d6", sysfsRoot: root.path)
    let hwmon = HwmonSensor(id: "b", room: "r", chip: "sht31-door", sysfsRoot: root.path)
    let iio = IIOSensor(id: "c", room: "r", device: "iio:device0", sysfsRoot: root.path)
    let now = RoomTrace.start

    try writer.write([
      .reading(tempC: -1.0625, rhPct: nil), .reading(tempC: 3.87, rhPct: 91.4), .reading(tempC: 4.1, rhPct: 88.0),
    ])
    // Like the kernel's w1_therm (`(int)raw * 1000 / 16`), milli-degrees truncate toward zero: −1.0625 → t=-1062.
    #expect(w1.read(at: now) == .values(tempC: -1.062, rhPct: nil))
    #expect(hwmon.read(at: now) == .values(tempC: 3.87, rhPct: 91.4))
    #expect(iio.read(at: now) == .values(tempC: 4.1, rhPct: 88.0))

    try writer.write([.crcFailure(garbledC: 40), .reading(tempC: 3.9, rhPct: 91.0), .absent])
    guard case .fault = w1.read(at: now) else {
      Issue.record("a w1_slave with a bad CRC must be a fault")
      return
    }
    try writer.write([.reading(tempC: 85, rhPct: nil), .absent, .absent])
    guard case .fault = w1.read(at: now), case .fault = hwmon.read(at: now), case .fault = iio.read(at: now) else {
      Issue.record("85 °C and missing chips must be faults")
      return
    }
  }

  @Test("coldtrace-sim run --sysfs-out leaves the last readings of a scenario in place")
  func runWritesTree() throws {
    let root = try TemporaryDirectory.make(prefix: "sim-run-sysfs")
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try Executables.run(
      Executables.product("coldtrace-sim"),
      ["run", "--scenario", ScenarioTests.path("door-left-open"), "--virtual", "--csv", "--sysfs-out", root.path])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 6 * 60 + 2)
    let last = lines.last!.split(separator: ",", omittingEmptySubsequences: false)
    let w1 = W1Sensor(id: "a", room: "r", device: "28-0316a2b4c5d6", sysfsRoot: root.path)
    #expect(w1.read(at: RoomTrace.start) == .values(tempC: Double(last[10])!, rhPct: nil))
  }

  @Test("the controller's defrost relay and door contact become GPIO value files the gpio input driver reads")
  func controllerGPIO() throws {
    let root = try TemporaryDirectory.make(prefix: "sim-gpio")
    defer { try? FileManager.default.removeItem(at: root) }
    let writer = SysfsWriter(root: root.path, probes: [])
    let defrost = GPIOInput(path: root.path + "/sys/class/gpio/gpio17/value", activeLow: false)
    let door = GPIOInput(path: root.path + "/sys/class/gpio/gpio27/value", activeLow: false)
    for (defrosting, doorOpen) in [(true, false), (false, true), (false, false)] {
      try writer.writeController(Self.snapshot(defrosting: defrosting, doorOpen: doorOpen))
      #expect(defrost.read(at: RoomTrace.start) == .state(defrosting))
      #expect(door.read(at: RoomTrace.start) == .state(doorOpen))
    }
    let text = try String(contentsOfFile: root.path + "/sys/class/gpio/gpio27/value", encoding: .utf8)
    #expect(text == "0\n")
  }

  @Test("coldtrace-sim run --sysfs-out leaves the controller's last state: no defrost at the end of defrost.toml")
  func runWritesGPIO() throws {
    let root = try TemporaryDirectory.make(prefix: "sim-run-gpio")
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try Executables.run(
      Executables.product("coldtrace-sim"),
      ["run", "--scenario", ScenarioTests.path("defrost"), "--virtual", "--csv", "--sysfs-out", root.path])
    #expect(result.status == 0, "\(result.stderr)")
    for line in [17, 27] {
      let text = try String(contentsOfFile: root.path + "/sys/class/gpio/gpio\(line)/value", encoding: .utf8)
      #expect(text == "0\n", "gpio\(line)")
    }
  }

  static func snapshot(defrosting: Bool, doorOpen: Bool) -> RoomSnapshot {
    RoomSnapshot(
      time: RoomTrace.start, airC: 2, rhPct: 90, productC: 2, coilC: -4, productMassKg: 1000, ambientC: 30,
      ambientRHPct: 70, compressorOn: !defrosting, defrosting: defrosting, doorOpen: doorOpen, powered: true,
      setpointC: 2)
  }
}
