import ColdRoomSimulation
import ColdTraceCore
import Testing

/// The deterministic cold-room model behind the simulated sensor and the demo.
@Suite("Simple cold room")
struct SimpleColdRoomTests {
  static let start = Timestamp.parseRFC3339("2026-06-12T08:00:00Z")!

  /// One reading every 30 s for `minutes`, with the minute each was taken.
  static func trace(_ room: SimpleColdRoom, minutes: Int) -> [(minute: Double, tempC: Double, rhPct: Double)] {
    var room = room
    return (0...(minutes * 2)).map { half in
      let minute = Double(half) / 2
      let reading = room.read(at: start.adding(seconds: minute * 60))
      return (minute, reading.tempC, reading.rhPct)
    }
  }

  @Test("the same seed and events give the same trace; another seed gives other noise")
  func sameSeedSameTrace() {
    let doors = [SimpleColdRoom.DoorOpening(atMinute: 20, minutes: 15)]
    let first = Self.trace(SimpleColdRoom(start: Self.start, doors: doors, seed: 42), minutes: 90)
    let second = Self.trace(SimpleColdRoom(start: Self.start, doors: doors, seed: 42), minutes: 90)
    let other = Self.trace(SimpleColdRoom(start: Self.start, doors: doors, seed: 43), minutes: 90)
    #expect(first.map(\.tempC) == second.map(\.tempC))
    #expect(first.map(\.rhPct) == second.map(\.rhPct))
    #expect(first.map(\.tempC) != other.map(\.tempC))
  }

  @Test("the trace does not depend on how often the room is read (fixed 10 s integration steps)")
  func traceIndependentOfReadingRate() {
    var parameters = SimpleColdRoom.Parameters()
    parameters.noiseC = 0
    parameters.noiseRHPct = 0
    let doors = [SimpleColdRoom.DoorOpening(atMinute: 5, minutes: 10)]
    var often = SimpleColdRoom(start: Self.start, parameters: parameters, doors: doors)
    var rarely = SimpleColdRoom(start: Self.start, parameters: parameters, doors: doors)
    for second in stride(from: 10, through: 1800, by: 10) {
      _ = often.read(at: Self.start.adding(seconds: Double(second)))
    }
    let end = Self.start.adding(seconds: 1800)
    let a = often.read(at: end)
    let b = rarely.read(at: end)
    #expect(abs(a.tempC - b.tempC) <= 0.01)
    #expect(abs(a.rhPct - b.rhPct) <= 0.1)
  }

  /// Set-point 3.5 °C, outside 30 °C and 75 % RH; the door stands open from minute 60 to minute 90.
  @Test("a door opening warms the room by several degrees and dries it; 30 min after it closes the room is back")
  func doorOpeningExcursionAndRecovery() {
    let parameters = SimpleColdRoom.Parameters()
    let setpoint = parameters.setpointC
    let room = SimpleColdRoom(
      start: Self.start, parameters: parameters, doors: [.init(atMinute: 60, minutes: 30)], seed: 3)
    let trace = Self.trace(room, minutes: 150)
    let before = trace.filter { $0.minute < 60 }
    let open = trace.filter { $0.minute >= 60 && $0.minute <= 90 }
    let recovered = trace.filter { $0.minute >= 120 }

    #expect(before.allSatisfy { abs($0.tempC - setpoint) < 0.5 }, "steady at the set-point before the door opens")
    let peak = open.map(\.tempC).max() ?? 0
    #expect(peak > setpoint + 4, "the door raised the air only to \(peak) °C")
    #expect(open.last!.tempC > open.first!.tempC + 4, "it kept warming while the door stood open")
    #expect(
      recovered.allSatisfy { abs($0.tempC - setpoint) < 0.5 },
      "not back within 0.5 °C 30 min after closing: \(recovered.map(\.tempC).max() ?? 0) °C")

    let humidityBefore = before.map(\.rhPct).reduce(0, +) / Double(before.count)
    let humidityAtClose = open.last!.rhPct
    #expect(abs(humidityBefore - parameters.targetRHPct) < 0.5)
    #expect(humidityAtClose < humidityBefore - 5, "RH \(humidityBefore) % → \(humidityAtClose) % with the door open")
    #expect(open.allSatisfy { $0.rhPct >= parameters.ambientRHPct }, "never drier than the outside air")
    #expect(trace.allSatisfy { (0...100).contains($0.rhPct) })
  }
}
