import ColdTraceCore
import Testing

@Suite(.timeLimit(.minutes(10)))
struct LanguageTests {
  @Test func localeVariablesChooseVietnameseInPOSIXOrder() {
    #expect(Language.fromLocale([:]) == .en)
    #expect(Language.fromLocale(["LANG": "vi_VN.UTF-8"]) == .vi)
    #expect(Language.fromLocale(["LANG": "vi_VN.UTF-8", "LC_ALL": "C"]) == .en)
    #expect(Language.fromLocale(["LANG": "en_US.UTF-8", "LC_MESSAGES": "vi"]) == .vi)
    #expect(Language.fromLocale(["LC_ALL": "", "LANG": "vi_VN"]) == .vi)
  }

  @Test(arguments: [
    (3.416, 2, "3.42", "3,42"), (-0.004, 2, "0.00", "0,00"), (-1.25, 1, "−1.3", "−1,3"),
    (170_000.0, 0, "170,000", "170.000"), (1234.5, 1, "1,234.5", "1.234,5"), (0.05, 1, "0.1", "0,1"),
  ])
  func decimalsFollowTheReader(value: Double, places: Int, english: String, vietnamese: String) {
    #expect(Language.en.decimal(value, places: places) == english)
    #expect(Language.vi.decimal(value, places: places) == vietnamese)
  }

  @Test func datesFollowTheReaderAndTheOffset() throws {
    let time = try #require(Timestamp.parseRFC3339("2026-11-29T20:40:00Z"))
    #expect(Language.en.dateTime(time, utcOffsetMinutes: 0) == "2026-11-29 20:40")
    #expect(Language.en.dateTime(time, utcOffsetMinutes: 420) == "2026-11-30 03:40")
    #expect(Language.vi.dateTime(time, utcOffsetMinutes: 420) == "30/11/2026 03:40")
    #expect(Language.vi.date(time, utcOffsetMinutes: -600) == "29/11/2026")
    #expect(Language.zoneLabel(utcOffsetMinutes: 420) == "UTC+07:00")
    #expect(Language.zoneLabel(utcOffsetMinutes: -330) == "UTC−05:30")
    #expect(Language.zoneLabel(utcOffsetMinutes: 0) == "UTC")
  }
}
