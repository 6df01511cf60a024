import ColdTraceConfig
import ColdTraceCore
import Testing

@testable import ColdTraceCollector

/// `[[source]]` tables as read from the collector config, and the one-line errors of bad ones.
struct SourceConfigTests {
  private func load(_ text: String) throws(ConfigError) -> CollectorConfigFile {
    try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: text))
  }

  @Test func aTasmotaSourceReadsItsPatternTimeZoneRowsAndLimits() throws {
    let file = try load(
      """
      [[source]]
      id = "tasmota-cold3"
      site = "hongxuan"
      preset = "tasmota"
      topic = "tele/{room}-esp/SENSOR"
      time = "payload"
      time_zone = "+07:00"
      offline_after_minutes = 15

      [[source.map]]
      id = "01144A0CB2AA"
      sensor = "cold3-air"

      [[source.map]]
      id = "0316A2C5D6FF"
      sensor = "cold3-pulp"
      placement = "product"
      offset_c = -0.2
      """)
    let source = try #require(file.sources.first)
    #expect(source.topics.map(\.filter) == ["tele/+/SENSOR"])
    #expect(source.time == .payload(PayloadTime(field: "Time", unit: .seconds, zone: "+07:00")))
    #expect(source.offlineAfterMinutes == 15)
    #expect(
      try file.configurationSnapshot().settings["source tasmota-cold3"]
        == "hongxuan tasmota tele/{room}-esp/SENSOR time=payload+07:00 offline=15 [id 01144A0CB2AA → sensor=cold3-air] "
        + "[id 0316A2C5D6FF → sensor=cold3-pulp placement=product offset_c=-0.2]")
    #expect(source.rows.map(\.id) == ["01144A0CB2AA", "0316A2C5D6FF"])
    #expect(
      source.rows[1].naming == ProbeNaming(sensor: try IdTemplate("cold3-pulp"), offsetC: -0.2, placement: .product))
  }

  @Test func zigbee2mqttDefaultsToLastSeenInMillisecondsAndAFifteenMinuteRepeatWindow() throws {
    let file = try load(
      """
      [[source]]
      id = "z2m"
      site = "hongxuan"
      preset = "zigbee2mqtt"
      topic = "zigbee2mqtt/{room}-{sensor}"
      time = "payload"
      """)
    #expect(file.sources[0].time == .payload(PayloadTime(field: "last_seen", unit: .milliseconds)))
    #expect(file.sources[0].repeatWithinSeconds == 900)
  }

  @Test(
    "a bad [[source]] is one line naming the table and the key",
    arguments: [
      ("preset = \"zigbee\"\ntopic = \"z/{room}-{sensor}\"\ntime = \"receipt\"", "source[1].preset"),
      ("preset = \"esphome\"\ntopic = \"e/{room}/{sensor}\"", "source[1].time"),
      ("preset = \"esphome\"\ntopic = \"e/{room}/{sensor}\"\ntime = \"payload\"", "source[1].time"),
      (
        "preset = \"tasmota\"\ntopic = \"tele/{room}/SENSOR\"\nsensor = \"x-{id}\"\ntime = \"payload\"",
        "source[1].time_zone"
      ),
      ("preset = \"plain\"\ntopic = \"a/{room}\"\ntime = \"receipt\"", "source[1].sensor"),
      ("preset = \"plain\"\ntopic = \"coldtrace/v1/{room}/{sensor}\"\ntime = \"receipt\"", "source[1].topic"),
      ("preset = \"plain\"\ntopic = \"a/#/{sensor}\"\ntime = \"receipt\"", "source[1].topic"),
      ("preset = \"plain\"\ntopic = \"{a}/{b}/{c}/{room}/{x}/{sensor}\"\ntime = \"receipt\"", "source[1].topic"),
      ("preset = \"plain\"\ntopic = \"#\"\ntime = \"receipt\"", "source[1].topic"),
      ("preset = \"json\"\ntopic = \"a/{room}/{sensor}\"\ntime = \"receipt\"", "source[1].temperature_field"),
      (
        "preset = \"plain\"\ntopic = \"a/{room}/{sensor}\"\ntime = \"receipt\"\ntime_zone = \"+07:00\"",
        "source[1].time_zone"
      ),
      (
        "preset = \"plain\"\ntopic = \"a/{room}/{sensor}\"\ntime = \"receipt\"\nplacement = \"pulp\"",
        "source[1].placement"
      ),
      ("preset = \"plain\"\ntopic = \"a/{room}/{sensor}\"\ntime = \"receipt\"\ntopik = 1", "source[1].topik"),
      (
        "preset = \"plain\"\ntopic = \"a/{room}/{sensor}\"\ntime = \"receipt\"\n[[source.map]]\nroom = \"x\"",
        "source[1].map[1].match"
      ),
    ])
  func refuses(_ body: String, key: String) {
    let text = "[[source]]\nid = \"s\"\nsite = \"hongxuan\"\n" + body
    do {
      _ = try load(text)
      Issue.record("accepted:\n\(text)")
    } catch {
      #expect(error.description.contains("`\(key)`"), "\(error.description)")
      #expect(!error.description.contains("\n"))
    }
  }
}
