import ColdTraceConfig
import ColdTraceCore
import Testing

@testable import ColdTraceCollector

/// `time_zone` and `[sites.<id>] time_zone`, resolved from the zone data Foundation carries: the default is
/// Asia/Ho_Chi_Minh, a zone with daylight saving time gives a summer and a winter reading their own offsets, and a name
/// that is not an IANA zone is refused with the key.
@Suite struct TimeZoneConfigTests {
  private func load(_ text: String) throws(ConfigError) -> CollectorConfigFile {
    try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: text))
  }

  private let summer = Timestamp.parseRFC3339("2026-07-01T10:00:00Z")!
  private let winter = Timestamp.parseRFC3339("2026-12-01T10:00:00Z")!

  @Test func theDefaultIsHoChiMinhCity() throws {
    let zone = try load("").timeZone
    #expect(zone.identifier == "Asia/Ho_Chi_Minh")
    #expect(zone.offsetSeconds(at: summer) == 25_200 && zone.offsetSeconds(at: winter) == 25_200)
    #expect(zone.rfc3339(summer) == "2026-07-01T17:00:00.000+07:00")
  }

  @Test func aSiteInBerlinHasSummerAndWinterTime() throws {
    let file = try load(
      """
      time_zone = "Asia/Ho_Chi_Minh"
      [sites.hub]
      time_zone = "Europe/Berlin"
      max_probes = 10
      """)
    let berlin = file.timeZone(ofSite: "hub")
    #expect(berlin.identifier == "Europe/Berlin")
    #expect(Language.en.dateTime(summer, in: berlin) == "2026-07-01 12:00")
    #expect(Language.en.dateTime(winter, in: berlin) == "2026-12-01 11:00")
    #expect(berlin.label(from: winter, to: winter) == "Europe/Berlin (+01:00)")
    #expect(file.timeZone(ofSite: "hongxuan").identifier == "Asia/Ho_Chi_Minh")
    #expect(try load("time_zone = \"UTC\"").timeZone == .utc)
  }

  @Test(arguments: ["Mars/Olympus", "EST", "GMT+7", "+07:00", "asia/ho_chi_minh", ""])
  func aNameThatIsNoZoneIsRefused(name: String) {
    #expect {
      try load("time_zone = \"\(name)\"")
    } throws: { error in
      let text = "\(error)"
      return text.contains("time_zone") && text.contains("not an IANA time zone name")
    }
  }
}
