import ColdTraceCore
import Testing

/// A room shared by products keeps a trend alarm: the most sensitive of their settings.
@Suite(.timeLimit(.minutes(10)))
struct SharedRoomTrendTests {
  @Test func theStrictestProfileWatchesTheTrendWithTheMostSensitiveSettings() throws {
    var quick = BuiltInProfiles.longan
    quick.trend = TrendSettings(riseCPerHour: 0.3, clearCPerHour: 0.1, windowMinutes: 20, sustainMinutes: 60)
    let shared = try #require(ProductProfile.strictest(of: [BuiltInProfiles.litchi, quick]))
    #expect(shared.trend == TrendSettings(riseCPerHour: 0.3, clearCPerHour: 0.1, windowMinutes: 30, sustainMinutes: 50))
    #expect(shared.trend?.problems() == [])
    // A product without a trend alarm (frozen meat) does not switch it off for the litchi beside it.
    let mixed = try #require(ProductProfile.strictest(of: [BuiltInProfiles.litchi, BuiltInProfiles.frozenMeat]))
    #expect(mixed.trend == BuiltInProfiles.litchi.trend)
    #expect(ProductProfile.strictest(of: [BuiltInProfiles.frozenMeat, BuiltInProfiles.driedHerbs])?.trend == nil)
  }
}
