import ColdTraceCore
import Testing

@testable import ColdTraceAgent

/// A contact that reads what the test scripted, one value per read.
private final class ScriptedInput: RoomInput {
  var values: [InputValue]
  init(_ values: [InputValue]) { self.values = values }
  func read(at time: Timestamp) -> InputValue { values.isEmpty ? .fault("script ended") : values.removeFirst() }
}

/// `InputMonitor`: a heartbeat of every input at each round, and only changes between rounds, at once.
@Suite("Input monitor")
struct InputMonitorTests {
  static let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!

  static func monitor(_ values: [InputValue], invert: Bool = false) -> InputMonitor {
    let configuration = InputConfiguration(
      id: "cold2-door", room: "cold2", signal: .door, driver: "test", invert: invert, pollSeconds: 2
    ) { _ in ScriptedInput(values) }
    return InputMonitor([configuration], context: SensorContext(start: start), now: start)
  }

  @Test("rounds report every read; polls report only a change of state or between state and fault")
  func heartbeatAndChanges() {
    let monitor = Self.monitor([
      .state(false), .state(false), .state(true), .state(true), .fault("gone"), .fault("still gone"), .state(true),
    ])
    func at(_ seconds: Double) -> Timestamp { Self.start.adding(seconds: seconds) }
    #expect(monitor.readAll(at: at(0), now: at(0)).map(\.value) == [.state(false)])
    #expect(monitor.poll(at: at(1), now: at(1)).isEmpty, "not due before poll_seconds")
    #expect(monitor.poll(at: at(2), now: at(2)).isEmpty, "unchanged")
    let opened = monitor.poll(at: at(4), now: at(4))
    #expect(opened.map(\.value) == [.state(true)])
    #expect(opened.map(\.time) == [at(4)])
    #expect(opened.first?.signal == .door)
    #expect(monitor.readAll(at: at(5), now: at(5)).map(\.value) == [.state(true)], "the heartbeat repeats the state")
    #expect(monitor.poll(at: at(7), now: at(7)).map(\.value) == [.fault("gone")])
    #expect(monitor.poll(at: at(9), now: at(9)).isEmpty, "a fault that stays is not a change")
    #expect(monitor.poll(at: at(11), now: at(11)).map(\.value) == [.state(true)])
  }

  @Test("invert turns the state round, not a fault; a stamp never goes back")
  func invertAndMonotonicStamps() {
    let monitor = Self.monitor([.state(true), .fault("x"), .state(false)], invert: true)
    #expect(monitor.readAll(at: Self.start.adding(seconds: 60), now: Self.start).map(\.value) == [.state(false)])
    let fault = monitor.readAll(at: Self.start.adding(seconds: 30), now: Self.start)
    #expect(fault.map(\.value) == [.fault("x")])
    #expect(fault.map(\.time) == [Self.start.adding(seconds: 60)])
    #expect(monitor.readAll(at: Self.start.adding(seconds: 90), now: Self.start).map(\.value) == [.state(true)])
  }

  @Test("a reading becomes a defrost, door_open or error sample that survives the outbox's record format")
  func samplesThroughTheOutbox() {
    let time = Self.start.adding(seconds: 120)
    let readings = [
      InputMonitor.Reading(id: "d", room: "cold2", signal: .defrost, value: .state(true), time: time),
      InputMonitor.Reading(id: "d", room: "cold2", signal: .defrost, value: .state(false), time: time),
      InputMonitor.Reading(id: "o", room: "cold2", signal: .door, value: .state(true), time: time),
      InputMonitor.Reading(id: "o", room: "cold2", signal: .door, value: .fault("gpio: EIO"), time: time),
    ]
    let samples = readings.enumerated().map { $0.element.sample(seq: Int64($0.offset + 1)) }
    #expect(samples[0] == Sample(seq: 1, ts: time, defrost: true))
    #expect(samples[1] == Sample(seq: 2, ts: time, defrost: false))
    #expect(samples[2] == Sample(seq: 3, ts: time, doorOpen: true))
    #expect(samples[3] == Sample(seq: 4, ts: time, error: "gpio: EIO"))
    #expect(
      ReadingEncoder.encode(agent: "hx-edge-1", sample: samples[0])
        == #"{"v":1,"agent":"hx-edge-1","seq":1,"ts":"2026-06-12T17:02:00.000Z","defrost":true}"#)
    for sample in samples {
      var bytes: [UInt8] = []
      OutboxRecord(sensor: "d", room: "cold2", sample: sample).encode(into: &bytes)
      let decoded = bytes.withUnsafeBytes { OutboxRecord.decode($0, at: 0)?.0 }
      #expect(decoded?.sample == sample)
    }
  }
}
