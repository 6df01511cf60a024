import ColdRoomSimulation
import ColdTraceCore
import Testing

/// Probes: resolution, lag and each fault.
@Suite("Probes")
struct ProbeTests {
  static func readings(
    _ probe: Probe, events: [RoomEvent] = [], minutes: Int, seed: UInt64 = 1
  ) -> [ProbeOutput] {
    var room = ColdRoom(
      start: RoomTrace.start, configuration: RoomTrace.quietConfiguration(), probes: [probe], events: events, seed: seed
    )
    return (0...minutes).map { minute in
      room.advance(to: RoomTrace.start.adding(seconds: Double(minute) * 60))
      return room.read(probe: 0)
    }
  }

  static func fault(_ fault: ProbeFault, atMinute: Double, minutes: Double = .infinity) -> RoomEvent {
    RoomEvent(atSeconds: atMinute * 60, kind: .probeFault(probeID: "p", fault: fault, minutes: minutes))
  }

  @Test("a DS18B20 reads in steps of 1/16 °C, close to the air")
  func resolution() {
    let values = Self.readings(Probe(id: "p"), minutes: 60).compactMap(\.tempC)
    #expect(values.count == 61)
    #expect(values.allSatisfy { ($0 * 16).rounded() == $0 * 16 })
    #expect(values.allSatisfy { abs($0 - 3.5) < 1.2 })
  }

  @Test("a stuck probe repeats one value; a drifting one walks away")
  func stuckAndDrift() {
    let stuck = Self.readings(Probe(id: "p"), events: [Self.fault(.stuck, atMinute: 10, minutes: 60)], minutes: 90)
    #expect(Set(stuck[11...70].map(\.tempC)).count == 1)
    #expect(Set(stuck[71...90].map(\.tempC)).count > 1)
    let drift = Self.readings(
      Probe(id: "p"), events: [Self.fault(.drift(cPerDay: 24), atMinute: 0)], minutes: 600)
    let late = drift[540...600].compactMap(\.tempC)
    #expect(late.reduce(0, +) / Double(late.count) > 3.5 + 8)
  }

  @Test("dropout, the 85 °C power-on value and CRC failures")
  func faults() {
    let events = [
      Self.fault(.dropout, atMinute: 10, minutes: 10),
      Self.fault(.powerOnReset, atMinute: 30, minutes: 2),
      Self.fault(.crcFailures(share: 0.5), atMinute: 40, minutes: 60),
    ]
    let outputs = Self.readings(Probe(id: "p"), events: events, minutes: 120)
    #expect(outputs[10..<20].allSatisfy { $0 == .absent })
    #expect(outputs[30..<32].allSatisfy { $0.tempC == 85 })
    let crc = outputs[40..<100].filter { if case .crcFailure = $0 { true } else { false } }
    #expect((15...45).contains(crc.count))
    #expect(outputs[100...].allSatisfy { $0.tempC != nil })
  }

  @Test("a probe moved onto the evaporator shows the coil: below zero while the compressor runs")
  func movedToEvaporator() {
    let outputs = Self.readings(
      Probe(id: "p"), events: [Self.fault(.moved(to: .evaporator), atMinute: 60)], minutes: 180)
    #expect(outputs[0...60].compactMap(\.tempC).min()! > 1.5)
    #expect(outputs[90...].compactMap(\.tempC).min()! < -1)
  }

  @Test("the w1_slave text carries a valid Dallas CRC-8, or NO when corrupted")
  func w1SlaveText() {
    let text = W1SlaveFormat.text(tempC: 3.5625)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines[0].hasSuffix("YES"))
    #expect(lines[1].hasSuffix("t=3562"))
    let bytes = lines[0].split(separator: " ").prefix(9).map { UInt8($0, radix: 16)! }
    #expect(W1SlaveFormat.crc8(bytes) == 0)
    #expect(W1SlaveFormat.text(tempC: 85).hasSuffix("t=85000\n"))
    #expect(W1SlaveFormat.text(tempC: -10.125).hasSuffix("t=-10125\n"))
    #expect(W1SlaveFormat.text(tempC: 3, crcValid: false).split(separator: "\n")[0].hasSuffix("NO"))
    // Example from the Linux w1_therm documentation: 23.125 °C.
    #expect(W1SlaveFormat.crc8([0x72, 0x01, 0x4B, 0x46, 0x7F, 0xFF, 0x0E, 0x10]) == 0x57)
  }
}
