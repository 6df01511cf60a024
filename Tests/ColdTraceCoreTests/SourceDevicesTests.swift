import Testing

@testable import ColdTraceCore

@Suite("Source device availability")
struct SourceDevicesTests {
  private func state(_ text: String) -> DeviceAvailability? {
    Array(text.utf8).withUnsafeBytes { DeviceAvailability(payload: $0) }
  }

  @Test("reads Zigbee2MQTT, Tasmota, ESPHome and Shelly availability payloads")
  func payloads() {
    #expect(state(#"{"state":"offline"}"#) == .offline && state(#"{"state":"online"}"#) == .online)
    #expect(state("offline") == .offline && state("Offline") == .offline && state("Online") == .online)
    #expect(state("false") == .offline && state("true") == .online)
    #expect(state("maybe") == nil && state(#"{"state":3}"#) == nil)
  }

  @Test("a device announced offline makes its probes silent from the announcement plus the grace; a reading ends it")
  func silence() {
    var devices = SourceDevices()
    let probe = ProbeKey(site: "hx", sensor: "cold3-air")
    let last = Timestamp(seconds: 1_000)
    devices.saw(probe, device: "tasmota\u{1F}cold3")
    #expect(devices.silentAfterSeconds(of: probe, lastReading: last) == nil)
    devices.announce(.offline, device: "tasmota\u{1F}cold3", at: Timestamp(seconds: 1_100), graceSeconds: 300)
    #expect(devices.silentAfterSeconds(of: probe, lastReading: last) == 400)
    #expect(devices.silentAfterSeconds(of: ProbeKey(site: "hx", sensor: "other"), lastReading: last) == nil)
    devices.saw(probe, device: "tasmota\u{1F}cold3")
    #expect(devices.silentAfterSeconds(of: probe, lastReading: last) == nil)
  }

  @Test("a retained state replayed after a restart does not hide the device's retained offline; a live one does")
  func retainedStateIsNoSignOfLife() {
    var devices = SourceDevices()
    let probe = ProbeKey(site: "hx", sensor: "cold3-air")
    let device = "z2m\u{1F}0x01"
    devices.announce(.offline, device: device, at: Timestamp(seconds: 1_100), graceSeconds: 300)
    devices.saw(probe, device: device, retained: true)
    #expect(devices.announcedOffline(of: probe)?.since == Timestamp(seconds: 1_100), "linked, still offline")
    devices.saw(probe, device: device)
    #expect(devices.announcedOffline(of: probe) == nil)
  }

  @Test(
    "another reading of a known probe (sawAgain) ends its device's offline as a first one does; a retained one does not"
  )
  func sawAgainEndsOffline() {
    var devices = SourceDevices()
    let probe = ProbeKey(site: "hx", sensor: "cold3-air")
    let device = "z2m\u{1F}0x01"
    let last = Timestamp(seconds: 1_000)
    devices.saw(probe, device: device)
    devices.announce(.offline, device: device, at: Timestamp(seconds: 1_100), graceSeconds: 300)
    devices.sawAgain(device: device, retained: true)
    #expect(devices.silentAfterSeconds(of: probe, lastReading: last) == 400, "a retained copy is no sign of life")
    devices.sawAgain(device: device)
    #expect(devices.silentAfterSeconds(of: probe, lastReading: last) == nil)
    devices.announce(.offline, device: device, at: Timestamp(seconds: 1_200), graceSeconds: 60)
    #expect(devices.silentAfterSeconds(of: probe, lastReading: last) == 260, "the probe is still the device's")
  }
}
