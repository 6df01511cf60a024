import ColdTraceCore
import Testing

@testable import ColdTraceReport

/// MKT against values worked out by hand from USP <1160>'s formula with ΔH/R = 10 000 K.
@Suite(.timeLimit(.minutes(10)))
struct MeanKineticTemperatureTests {
  @Test func aConstantTemperatureIsItsOwnMeanKineticTemperature() throws {
    let mkt = try #require(MeanKineticTemperature.of([(4, 60), (4, 60), (4, 600)]))
    #expect(abs(mkt - 4) < 1e-9)
  }

  @Test func equalWeightsOfZeroAndTenDegreesGiveAbout6Point43() throws {
    // 10000 / −ln((e^(−10000/273.15) + e^(−10000/283.15)) / 2) − 273.15 = 6.4327 °C, above the 5 °C mean.
    let mkt = try #require(MeanKineticTemperature.of([(0, 1), (10, 1)]))
    #expect(abs(mkt - 6.43268) < 1e-4)
  }

  @Test func threeHoursAt25AndOneAt40GiveAbout32Point71() throws {
    let mkt = try #require(MeanKineticTemperature.of([(25, 1), (25, 1), (40, 1)]))
    #expect(abs(mkt - 32.70808) < 1e-4)
  }

  @Test func theReportWeightsEachReadingByTheTimeItStandsFor() throws {
    // 2 °C at minute 0, 8 °C at minute 1, placement to minute 4. The 1-minute interval caps a reading at 2 minutes,
    // so 2 °C stands for 1 minute and 8 °C for 2: MKT of (2, 1) and (8, 2) = 6.4414 °C; the mean is 6 °C.
    let input = ReportFixtures.input([ReportFixtures.probe("p1", [2, 8], minutes: 4)], minutes: 4)
    let report = LotReportBuilder.build(input, profile: ReportFixtures.profile())
    let expected = try #require(MeanKineticTemperature.of([(2, 1), (8, 2)]))
    #expect(abs(try #require(report.temperature.meanKinetic) - expected) < 1e-9)
    #expect(abs(expected - 6.44138) < 1e-4)
    #expect(abs(try #require(report.temperature.mean) - 6) < 1e-9, "(2·1 + 8·2) / 3")
  }
}
