import ColdTraceAgent
import Testing

@Suite("hwmon driver")
struct HwmonSensorTests {
  private func read(_ chip: String, index: Int = 1, in root: String) -> SensorValue {
    HwmonSensor(id: "probe", room: "cold2", chip: chip, index: index, sysfsRoot: root).read(at: SysfsFixtures.time)
  }

  @Test func findsTheChipByNameAndReadsTemperatureAndHumidity() {
    #expect(read("sht3x", in: SysfsFixtures.pi) == .values(tempC: 3.512, rhPct: 90.85))
  }

  @Test func aChipWithOnlyATemperatureGivesOnlyATemperature() {
    #expect(read("cpu_thermal", in: SysfsFixtures.pi) == .values(tempC: 48.312, rhPct: nil))
  }

  @Test func aMissingChipIsAFault() throws {
    let fault = try #require(read("sht4x", in: SysfsFixtures.pi).fault)
    #expect(fault.hasPrefix("sht4x: no hwmon chip named sht4x in /sys/class/hwmon"))
  }

  @Test func twoChipsWithTheSameNameAreAFaultNotAGuess() {
    #expect(
      read("sht3x", in: SysfsFixtures.faults)
        == .fault("sht3x: 2 hwmon chips are named sht3x (hwmon0, hwmon3); cannot tell which to read"))
  }

  @Test func aGarbledValueIsAFaultNamingTheFile() {
    #expect(
      read("sht4x", in: SysfsFixtures.faults)
        == .fault("sht4x: hwmon4/temp1_input: expected an integer, found \"not-a-number\""))
  }

  @Test func aMissingChannelIsAFault() {
    #expect(
      read("sht3x", index: 2, in: SysfsFixtures.pi) == .fault("sht3x: hwmon1 has no temp2_input or humidity2_input"))
  }

  @Test func chipsAreListedInKernelNumberOrder() throws {
    let root = try SysfsFixtures.scratch([
      "sys/class/hwmon/hwmon10/name": "sht4x\n", "sys/class/hwmon/hwmon2/name": "sht3x\n",
      "sys/class/hwmon/hwmon1/name": "cpu_thermal\n",
    ])
    #expect(SysfsFile.entries("\(root)/sys/class/hwmon") == ["hwmon1", "hwmon2", "hwmon10"])
  }

  @Test func theConfigTakesTheChipAndAnOptionalIndex() throws {
    let table = "id = \"cold2-air\"\nroom = \"cold2\"\ndriver = \"hwmon\"\nchip = \"sht3x\""
    let sensor = try configuredSensor(table, sysfsRoot: SysfsFixtures.pi)
    #expect(sensor.read(at: SysfsFixtures.time) == .values(tempC: 3.512, rhPct: 90.85))
    #expect(try #require(sensorConfigError(table + "\nindex = 0")).contains("`sensor[1].index` must be 1…64"))
    #expect(try #require(sensorConfigError(table + "\nindex = \"1\"")).contains("must be an integer"))
  }
}
