import ColdTraceAgent
import ColdTraceSystem
import Testing

@Suite("sensor discovery")
struct SensorDiscoveryTests {
  @Test func findsEveryClimateProbeInKernelOrder() {
    #expect(
      SensorDiscovery.scan(sysfsRoot: SysfsFixtures.pi).map(\.kind) == [
        .w1(device: "28-0316a2b3c4ff"), .w1(device: "28-3c01d6071a2b"),
        .iio(device: "iio:device0", name: "dht11"), .iio(device: "iio:device1", name: "hdc100x"),
        .hwmon(chip: "cpu_thermal", index: 1, entry: "hwmon0"), .hwmon(chip: "sht3x", index: 1, entry: "hwmon1"),
      ])
  }

  @Test func findsNothingOnABoxWithoutProbes() throws {
    #expect(SensorDiscovery.scan(sysfsRoot: SysfsFixtures.empty).isEmpty)
    #expect(SensorDiscovery.scan(sysfsRoot: try SysfsFixtures.scratch()).isEmpty)
  }

  @Test func writesATableReadyToPasteWithTheValueAsAComment() {
    let probe = DiscoveredSensor(.iio(device: "iio:device0", name: "dht11"))
    #expect(
      probe.toml(current: .values(tempC: 3.6, rhPct: 91.3)) == """
        # IIO dht11 (iio:device0): now 3.6 °C, 91.3 %RH
        [[sensor]]
        id = "iio-device0"
        room = "unassigned"  # set the room this probe is in
        driver = "iio"
        device = "iio:device0"

        """)
    let w1 = DiscoveredSensor(.w1(device: "28-000005e2fdc3"))
    #expect(
      w1.toml(current: .fault("28-000005e2fdc3: CRC failed (check the cable)")).hasPrefix(
        "# 1-wire DS18B20 28-000005e2fdc3: fault now: 28-000005e2fdc3: CRC failed (check the cable)\n[[sensor]]\n"))
  }

  @Test func chipsThatShareANameAreListedCommentedOut() throws {
    let found = SensorDiscovery.scan(sysfsRoot: SysfsFixtures.faults).filter { $0.driver == "hwmon" }
    #expect(found.map(\.suggestedID) == ["sht3x-1", "sht3x-1", "sht4x-1"])
    let twin = try #require(found.first)
    #expect(twin.problem == "2 chips are named sht3x (hwmon0, hwmon3); hwmon finds chips by name")
    let lines = twin.toml(current: .values(tempC: 4.1, rhPct: 88)).split(separator: "\n")
    #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("#") })
    #expect(lines.contains("# chip = \"sht3x\""))
  }

  @Test func theTablesMakeAValidConfig() throws {
    let found = SensorDiscovery.scan(sysfsRoot: SysfsFixtures.pi)
    let tables = found.map { $0.toml(current: .values(tempC: 1, rhPct: nil)) }.joined(separator: "\n")
    let configuration = try agentConfiguration("site = \"hongxuan\"\nagent = \"hx-edge-1\"\n\n" + tables)
    #expect(configuration.sensors.map(\.driver) == ["w1", "w1", "iio", "iio", "hwmon", "hwmon"])
    let values = ConcurrentSampler(
      configuration.sensors.map { $0.make(SensorContext(sysfsRoot: SysfsFixtures.pi, start: SysfsFixtures.time)) }
    ).readAll(at: SysfsFixtures.time)
    #expect(values.allSatisfy { $0.fault == nil }, "\(values)")
  }

  @Test func eachFoundProbeCanBeRead() {
    let values = SensorDiscovery.scan(sysfsRoot: SysfsFixtures.faults).map {
      $0.makeSensor(sysfsRoot: SysfsFixtures.faults).read(at: SysfsFixtures.time)
    }
    #expect(values.count == 7)
    #expect(values.allSatisfy { $0.fault != nil }, "\(values)")
  }
}
