import ColdTraceAgent
import Testing

@Suite("1-wire DS18B20 driver")
struct W1SensorTests {
  private func read(_ device: String, in root: String) -> SensorValue {
    W1Sensor(id: "probe", room: "cold2", device: device, sysfsRoot: root).read(at: SysfsFixtures.time)
  }

  @Test func readsTheTemperatureFromW1Slave() {
    #expect(read("28-0316a2b3c4ff", in: SysfsFixtures.pi) == .values(tempC: 3.437, rhPct: nil))
  }

  @Test func readsANegativeTemperatureFromTheTemperatureFile() {
    #expect(read("28-3c01d6071a2b", in: SysfsFixtures.pi) == .values(tempC: -18.5, rhPct: nil))
  }

  @Test func prefersTheTemperatureFileWhenBothExist() throws {
    let root = try SysfsFixtures.scratch([
      "sys/bus/w1/devices/28-0000000c0ffe/temperature": "5125\n",
      "sys/bus/w1/devices/28-0000000c0ffe/w1_slave":
        "37 00 4b 46 7f ff 0c 10 e4 : crc=e4 YES\n37 00 4b 46 7f ff 0c 10 e4 t=3437\n",
    ])
    #expect(read("28-0000000c0ffe", in: root) == .values(tempC: 5.125, rhPct: nil))
  }

  @Test func aFailedCRCIsAFault() {
    #expect(
      read("28-000005e2fdc3", in: SysfsFixtures.faults) == .fault("28-000005e2fdc3: CRC failed (check the cable)"))
  }

  @Test func thePowerOnValueIsAFaultNotEightyFiveDegrees() throws {
    let fault = try #require(read("28-00000a1b2c3d", in: SysfsFixtures.faults).fault)
    #expect(fault.hasPrefix("28-00000a1b2c3d: 85 °C power-on value"))
  }

  @Test func theNoResponseValueIsAFault() throws {
    let fault = try #require(read("28-00000bad0001", in: SysfsFixtures.faults).fault)
    #expect(fault.hasPrefix("28-00000bad0001: 127.937 °C no-response value"))
  }

  @Test func aMissingProbeIsAFaultThatSaysWhereItLooked() throws {
    let fault = try #require(read("28-0000deadbeef", in: SysfsFixtures.pi).fault)
    #expect(fault.contains("not on the 1-wire bus (no /sys/bus/w1/devices/28-0000deadbeef)"))
  }

  @Test func parsesW1SlaveLines() {
    let ok = "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n"
    #expect(W1Sensor.parse(w1Slave: ok) == .milliCelsius(23_125))
    #expect(W1Sensor.parse(w1Slave: "ff ff : crc=00 NO\nff ff t=-62\n") == .crcFailed)
    #expect(W1Sensor.parse(w1Slave: "72 01 : crc=57 YES\n") == .unreadable("expected two lines, found 1"))
    #expect(
      W1Sensor.parse(w1Slave: "72 01 : crc=57 YES\n72 01 t=\n")
        == .unreadable("second line does not end with t=<milli °C>"))
    #expect(
      W1Sensor.parse(w1Slave: "72 01 : crc=57\n72 01 t=1\n")
        == .unreadable("first line does not end with a CRC verdict (YES or NO)"))
  }

  @Test func aGarbledW1SlaveIsAFaultNamingTheFile() throws {
    let root = try SysfsFixtures.scratch(["sys/bus/w1/devices/28-0000000c0ffe/w1_slave": "\n"])
    #expect(read("28-0000000c0ffe", in: root) == .fault("28-0000000c0ffe: w1_slave: expected two lines, found 0"))
  }

  @Test func theConfigNamesTheDeviceByItsOneWireID() throws {
    let sensor = try configuredSensor(
      "id = \"cold2-air\"\nroom = \"cold2\"\ndriver = \"w1\"\ndevice = \"28-0316a2b3c4ff\"", sysfsRoot: SysfsFixtures.pi
    )
    #expect(sensor.read(at: SysfsFixtures.time) == .values(tempC: 3.437, rhPct: nil))
    #expect(sensor.id == "cold2-air")
    #expect(sensor.room == "cold2")
  }

  @Test func theConfigRejectsAMissingOrMalformedDevice() throws {
    let base = "id = \"a\"\nroom = \"cold2\"\ndriver = \"w1\"\n"
    #expect(
      try #require(sensorConfigError(base)).contains(
        "`sensor[1].device` is required, e.g. device = \"28-0316a2b3c4ff\""))
    #expect(try #require(sensorConfigError(base + "device = \"../../etc\"")).contains("not a path"))
    #expect(try #require(sensorConfigError(base + "device = \"28-xyz\"")).contains("must be a 1-wire id"))
    #expect(try #require(sensorConfigError(base + "device = \"28-0316a2b3c4ff\"\nbus = 1")).contains("unknown key"))
  }
}
