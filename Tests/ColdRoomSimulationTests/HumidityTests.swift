import ColdRoomSimulation
import ColdTraceCore
import Testing

/// The moisture balance: humid outside air through the door, and the coil drying the air.
@Suite("Humidity")
struct HumidityTests {
  @Test("relative humidity rises while the door is open")
  func doorRaisesHumidity() {
    let room = ColdRoom(
      start: RoomTrace.start, configuration: RoomTrace.quietConfiguration(),
      events: [RoomEvent(atSeconds: 3600, kind: .doorOpen(minutes: 20))])
    let states = RoomTrace.states(room, minutes: 120)
    let before = RoomTrace.window(states, minutes: 30...59).map(\.rhPct)
    let during = RoomTrace.window(states, minutes: 65...80).map(\.rhPct)
    let mean = before.reduce(0, +) / Double(before.count)
    #expect(during.min()! > mean)
    #expect(during.max()! > 98)
  }

  @Test("a very cold coil dries the room air more than a warm one")
  func coldCoilDriesAir() {
    func meanRH(coilUA: Double) -> Double {
      var configuration = RoomTrace.quietConfiguration()
      configuration.compressor.coilUAWPerK = coilUA
      let states = RoomTrace.window(
        RoomTrace.states(ColdRoom(start: RoomTrace.start, configuration: configuration), minutes: 12 * 60),
        minutes: 360...720)
      return states.map(\.rhPct).reduce(0, +) / Double(states.count)
    }
    let coldCoil = meanRH(coilUA: 150)  // coil near −20 °C while running
    let warmCoil = meanRH(coilUA: 2500)  // coil about 1.5 K below the air
    #expect(coldCoil < warmCoil - 5)
    #expect(coldCoil > 40)
    #expect(warmCoil <= 100)
  }

  @Test("psychrometrics round-trip: humidity ratio and relative humidity")
  func psychrometricsRoundTrip() {
    for tempC in [-10.0, 0, 3.5, 25, 35] {
      for rh in [20.0, 60, 95] {
        let ratio = Psychrometrics.humidityRatio(tempC: tempC, rhPct: rh)
        #expect(abs(Psychrometrics.relativeHumidity(tempC: tempC, ratio: ratio) - rh) < 1e-6)
      }
    }
    #expect(abs(Psychrometrics.saturationPressure(0) - 611) < 1)
    #expect(abs(Psychrometrics.saturationPressure(30) - 4246) < 15)
  }
}
