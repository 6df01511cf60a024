import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceAgent

/// docs/protocol.md: `seq` is per sensor, strictly increasing, and survives agent restarts. The agent takes each
/// number from its durable outbox (`Outbox.nextSequence`), which replaced the separate sequence file.
@Suite("Sequence numbers")
final class SequenceNumberTests {
  /// The agent's state directory, fresh for each test and removed after it.
  let directory: String

  init() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-seqnum-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    directory = url.path
  }

  deinit { try? FileManager.default.removeItem(atPath: directory) }

  /// One sampling round as the agent does it: a number for each sensor, then one durable append.
  private func round(_ outbox: Outbox, sensors: [String], at ts: Timestamp) throws -> [Int64] {
    let numbers = sensors.map { outbox.nextSequence(for: $0) }
    try outbox.append(
      zip(sensors, numbers).map { sensor, seq in
        OutboxRecord(sensor: sensor, room: "cold2", sample: Sample(seq: seq, ts: ts, tempC: 3.5))
      })
    return numbers
  }

  @Test("numbers strictly increase per sensor, across restarts, acknowledgements and deleted segments")
  func numbersStrictlyIncreaseAcrossRestarts() throws {
    let limits = Outbox.Limits(segmentBytes: 256)
    let start = Timestamp.parseRFC3339("2026-06-12T08:00:00Z")!
    var issued: [String: [Int64]] = [:]
    var minute = 0
    for restart in 0..<6 {
      // A new Outbox on the same directory is an agent restart.
      let outbox = try Outbox(directory: directory, limits: limits)
      let sensors = restart == 3 ? ["a"] : ["a", "b"]  // b is unplugged for one run
      for _ in 0..<15 {
        let numbers = try round(outbox, sensors: sensors, at: start.adding(seconds: Double(minute * 60)))
        minute += 1
        for (sensor, number) in zip(sensors, numbers) { issued[sensor, default: []].append(number) }
      }
      // The collector confirms everything of a so far: its segments go, the numbers must not restart.
      if restart.isMultiple(of: 2) { try outbox.acknowledge(["a": issued["a"]!.last!]) }
    }
    #expect(issued["a"] == Array(1...90))
    #expect(issued["b"] == Array(1...75))
    let reopened = try Outbox(directory: directory, limits: limits)
    #expect(reopened.nextSequence(for: "a") == 91)
    #expect(reopened.nextSequence(for: "b") == 76)
    #expect(reopened.nextSequence(for: "new-probe") == 1)
  }

  @Test("a sensor whose samples were all acknowledged and deleted keeps counting from its watermark")
  func acknowledgedSensorKeepsCounting() throws {
    let start = Timestamp.parseRFC3339("2026-06-12T08:00:00Z")!
    do {
      let outbox = try Outbox(directory: directory, limits: .init(segmentBytes: 64))
      for minute in 0..<10 { _ = try round(outbox, sensors: ["a"], at: start.adding(seconds: Double(minute * 60))) }
      // Later rounds only for b, so the segments holding a are not the newest.
      for minute in 10..<20 { _ = try round(outbox, sensors: ["b"], at: start.adding(seconds: Double(minute * 60))) }
      try outbox.acknowledge(["a": 10, "b": 9])
    }
    let reopened = try Outbox(directory: directory, limits: .init(segmentBytes: 64))
    #expect(reopened.nextSequence(for: "a") == 11)
    #expect(reopened.nextSequence(for: "b") == 11)
  }

  @Test("a corrupt acknowledgement file is a clear error naming the file and the line")
  func corruptStateFileIsAClearError() throws {
    let outboxDirectory = directory + "/outbox"
    try FileManager.default.createDirectory(atPath: outboxDirectory, withIntermediateDirectories: true)
    try "#dropped 0\ncold2-air 12\ncold3-air twelve\n".write(
      toFile: outboxDirectory + "/acknowledged.state", atomically: true, encoding: .utf8)
    let error = #expect(throws: OutboxError.self) { try Outbox(directory: directory) }
    #expect(
      error?.description.contains(outboxDirectory + "/acknowledged.state:3") == true, "\(String(describing: error))")
    #expect(error?.description.contains("cold3-air twelve") == true)
  }

  @Test("the acknowledgement file holds `#dropped <n>` then one `<sensor> <seq>` line per sensor, sorted")
  func stateFileFormat() throws {
    let outbox = try Outbox(directory: directory)
    _ = try round(outbox, sensors: ["cold3-air", "cold2-air"], at: Timestamp(seconds: 1_780_000_000))
    try outbox.acknowledge(["cold3-air": 1, "cold2-air": 1])
    let text = try String(contentsOfFile: directory + "/outbox/acknowledged.state", encoding: .utf8)
    #expect(text == "#dropped 0\ncold2-air 1\ncold3-air 1\n")
  }
}
