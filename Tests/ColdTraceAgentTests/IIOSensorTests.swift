import ColdTraceAgent
import Foundation
import Testing

@Suite("IIO driver")
struct IIOSensorTests {
  private func read(_ device: String, in root: String) -> SensorValue {
    IIOSensor(id: "probe", room: "cold2", device: device, sysfsRoot: root).read(at: SysfsFixtures.time)
  }

  @Test func readsProcessedInputFilesInMilliUnits() {
    #expect(read("iio:device0", in: SysfsFixtures.pi) == .values(tempC: 3.6, rhPct: 91.3))
  }

  @Test func appliesRawPlusOffsetTimesScale() {
    // HDC100x: (17278 + -15887.515151) × 2.517700195 = 3500.8 milli °C; 59638 × 1.525878906 = 91000.3 milli %.
    let value = read("iio:device1", in: SysfsFixtures.pi)
    #expect(isNear(value.tempC, 3.5008))
    #expect(isNear(value.rhPct, 91.0003))
  }

  @Test func rawWithoutOffsetOrScaleIsTakenAsMilliUnits() throws {
    let root = try SysfsFixtures.scratch(["sys/bus/iio/devices/iio:device4/in_temp_raw": "4250\n"])
    #expect(read("iio:device4", in: root) == .values(tempC: 4.25, rhPct: nil))
  }

  @Test func aDeviceWithoutClimateChannelsIsAFault() {
    #expect(
      read("iio:device2", in: SysfsFixtures.pi)
        == .fault("iio:device2: has no in_temp_* or in_humidityrelative_* files; not a temperature/humidity sensor"))
  }

  @Test func anEmptyValueIsAFaultNamingTheFile() {
    #expect(
      read("iio:device0", in: SysfsFixtures.faults)
        == .fault("iio:device0: in_temp_input: expected a number, found \"\""))
  }

  @Test func aMissingDeviceIsAFault() throws {
    let fault = try #require(read("iio:device9", in: SysfsFixtures.pi).fault)
    #expect(fault.hasPrefix("iio:device9: no /sys/bus/iio/devices/iio:device9"))
  }

  /// A DHT22 whose every read fails with EIO (here: `in_temp_input` links to `/proc/self/mem`, whose first page
  /// cannot be read) is tried `retries` more times, then reported with the kernel's error.
  @Test func aFailingReadIsRetriedThenReportedWithTheKernelsError() throws {
    let root = try SysfsFixtures.scratch(["sys/bus/iio/devices/iio:device0/name": "dht11\n"])
    try FileManager.default.createSymbolicLink(
      atPath: "\(root)/sys/bus/iio/devices/iio:device0/in_temp_input", withDestinationPath: "/proc/self/mem")
    let driver = IIOSensor(id: "dht22", room: "cold2", device: "iio:device0", sysfsRoot: root)
    var options = SensorOptions()
    options.retries = 2
    let sensor = CalibratedSensor(wrapping: driver, options: options, retryPauseSeconds: 0)
    #expect(
      sensor.read(at: SysfsFixtures.time) == .fault("iio:device0: in_temp_input: Input/output error; tried 3 times"))
  }

  @Test func theConfigNamesTheDeviceDirectory() throws {
    let sensor = try configuredSensor(
      "id = \"cold2-air\"\nroom = \"cold2\"\ndriver = \"iio\"\ndevice = \"iio:device1\"", sysfsRoot: SysfsFixtures.pi)
    #expect(isNear(sensor.read(at: SysfsFixtures.time).tempC, 3.5008))
    #expect(
      try #require(sensorConfigError("id = \"a\"\nroom = \"b\"\ndriver = \"iio\"")).contains(
        "`sensor[1].device` is required"))
  }
}
