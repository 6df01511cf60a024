import ColdRoomSimulation
import ColdTraceCore
import Testing

/// Physical sanity of the heat balance: doors, power cuts, defrost, pre-cooling.
@Suite("Room physics")
struct RoomPhysicsTests {
  @Test("an open door raises the air temperature; the room recovers after it closes")
  func doorOpenRaisesAndRecovers() {
    let configuration = RoomTrace.quietConfiguration()
    let room = ColdRoom(
      start: RoomTrace.start, configuration: configuration,
      events: [RoomEvent(atSeconds: 60 * 60, kind: .doorOpen(minutes: 30))])
    let states = RoomTrace.states(room, minutes: 180)
    let before = RoomTrace.window(states, minutes: 30...60).map(\.airC)
    let during = RoomTrace.window(states, minutes: 61...90).map(\.airC)
    let after = RoomTrace.window(states, minutes: 150...180).map(\.airC)
    let setpoint = configuration.compressor.setpointC
    #expect(before.allSatisfy { abs($0 - setpoint) < 1 })
    #expect(during.max()! > setpoint + 6)
    #expect(after.allSatisfy { abs($0 - setpoint) < 1 })
  }

  @Test("a power cut warms the room toward the outside air, more slowly with more product")
  func powerCutSlowerWithMoreMass() {
    func riseAfterCut(massKg: Double) -> (air: Double, product: Double) {
      var configuration = RoomTrace.quietConfiguration()
      configuration.product.massKg = massKg
      let room = ColdRoom(
        start: RoomTrace.start, configuration: configuration,
        events: [RoomEvent(atSeconds: 3600, kind: .powerCut(minutes: 180))])
      let states = RoomTrace.states(room, minutes: 240)
      let before = RoomTrace.window(states, minutes: 59...60).last!
      let end = RoomTrace.window(states, minutes: 239...240).last!
      #expect(end.airC < end.ambientC)
      return (end.airC - before.airC, end.productC - before.productC)
    }
    let light = riseAfterCut(massKg: 500)
    let heavy = riseAfterCut(massKg: 6000)
    #expect(light.air > 3)
    #expect(heavy.air > 1)
    #expect(heavy.air < light.air - 1)
    #expect(heavy.product < light.product)
  }

  @Test("a defrost lifts the air a few degrees for its length, then the room recovers")
  func defrostPeaksAndRecovers() {
    var configuration = ColdRoom.Configuration()
    configuration.defrost.perDay = 4
    configuration.defrost.minutes = 25
    configuration.defrost.firstLocalHour = 2
    let room = ColdRoom(start: RoomTrace.start, configuration: configuration)
    let states = RoomTrace.states(room, minutes: 300)
    let setpoint = configuration.compressor.setpointC
    // A snapshot shows the inputs of the step that led to it: the defrost from 02:00 shows from 02:00:10 to 02:25.
    let defrost = RoomTrace.window(states, minutes: 121...145)
    #expect(defrost.allSatisfy { $0.defrosting })
    let peak = defrost.map(\.airC).max()!
    #expect(peak > setpoint + 2)
    #expect(peak < setpoint + 8)
    #expect(defrost.map(\.coilC).max()! > 5)
    let later = RoomTrace.window(states, minutes: 190...300)
    #expect(later.allSatisfy { abs($0.airC - setpoint) < 1 && !$0.defrosting })
  }

  @Test("field-hot fruit loaded at 28 °C is pre-cooled over hours, not minutes")
  func fieldHotFruitPrecools() {
    var configuration = RoomTrace.quietConfiguration()
    configuration.product.massKg = 0
    configuration.compressor.capacityW = 9000
    let room = ColdRoom(
      start: RoomTrace.start, configuration: configuration,
      events: [RoomEvent(atSeconds: 600, kind: .load(massKg: 3000, tempC: 28))])
    let states = RoomTrace.states(room, minutes: 30 * 60, everySeconds: 600)
    let afterHour = RoomTrace.window(states, minutes: 70...70).first!
    let afterDay = states.last!
    #expect(afterHour.productC > 20)
    #expect(afterDay.productC < 8)
    #expect(afterDay.productMassKg == 3000)
  }

  @Test("a failed compressor lets the room climb for hours while the fans run")
  func compressorFailureWarms() {
    let room = ColdRoom(
      start: RoomTrace.start, configuration: RoomTrace.quietConfiguration(),
      events: [RoomEvent(atSeconds: 3600, kind: .compressorFailure(minutes: .infinity))])
    let states = RoomTrace.states(room, minutes: 12 * 60, everySeconds: 600)
    let late = RoomTrace.window(states, minutes: 120...(12 * 60))
    #expect(late.allSatisfy { !$0.compressorOn })
    #expect(states.last!.airC > 8)
    #expect(zip(late, late.dropFirst()).allSatisfy { $1.productC >= $0.productC })
  }

  @Test("respiration heat rises with temperature by Q10 per 10 K")
  func respirationFollowsQ10() {
    let product = ProductLoad()
    let cold = product.respirationW(pulpC: 5)
    let warm = product.respirationW(pulpC: 25)
    #expect(abs(cold - 70) < 1e-9)
    #expect(abs(warm / cold - 6.25) < 1e-9)
  }
}
