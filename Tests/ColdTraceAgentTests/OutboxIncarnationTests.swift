import ColdTraceCore
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceAgent

/// The agent's install name: made once with the outbox, kept across restarts, new with a new state directory; and
/// acknowledgements of another install ignored.
struct OutboxIncarnationTests {
  @Test func anOutboxKeepsItsIncarnationAndANewStateDirectoryGetsANewOne() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let first = try Outbox(directory: directory).incarnation
    #expect(Incarnation.isValid(first) && first.count == 15)
    #expect(try Outbox(directory: directory).incarnation == first, "a restart keeps the install's name")
    try FileManager.default.removeItem(atPath: directory)
    #expect(try Outbox(directory: directory).incarnation != first, "a lost state directory means a new install")
  }

  @Test func anOutboxFromBeforeIncarnationsGetsOneAndKeepsItsNumbers() throws {
    // An agent upgraded in place: its outbox has samples and watermarks but no incarnation file.
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let outbox = try Outbox(directory: directory)
    try outbox.append(
      (1...5).map {
        OutboxRecord(
          sensor: "cold2-air", room: "cold2", sample: Sample(seq: $0, ts: Timestamp(seconds: 1_800_000_000 + $0)))
      })
    try outbox.acknowledge(["cold2-air": 3])
    try FileManager.default.removeItem(atPath: directory + "/outbox/incarnation")
    let upgraded = try Outbox(directory: directory)
    #expect(Incarnation.isValid(upgraded.incarnation))
    #expect(upgraded.nextSequence(for: "cold2-air") == 6, "the numbers continue: the collector's first incarnation")
    #expect(upgraded.pendingCount == 2)
  }

  @Test func processesOpeningANewOutboxAtOnceAllGetTheSameIncarnation() throws {
    // The agent starting while something else reads its outbox: the first name created wins, nobody fails.
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    let names = Mutex<[String]>([])
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      do {
        let name = try OutboxIncarnation.loadOrCreate(in: directory)
        names.withLock { $0.append(name) }
      } catch {
        failures.withLock { $0.append("\(error)") }
      }
    }
    #expect(failures.withLock { $0 }.isEmpty)
    #expect(Set(names.withLock { $0 }).count == 1)
    #expect(try OutboxIncarnation.loadOrCreate(in: directory) == names.withLock { $0 }.first)
  }

  @Test func aDamagedIncarnationFileStopsTheAgentWithAClearError() throws {
    let directory = try TemporaryDirectory.make(prefix: "outbox").path
    _ = try Outbox(directory: directory)
    try "not valid!\n".write(toFile: directory + "/outbox/incarnation", atomically: true, encoding: .utf8)
    #expect {
      _ = try Outbox(directory: directory)
    } throws: { error in
      "\(error)".contains("outbox/incarnation: inc \"not valid!\" has a character outside")
    }
  }

  @Test func anAcknowledgementOfAnotherIncarnationIsIgnored() {
    let inbox = AgentInbox(incarnation: "mine")
    func receive(_ json: String) -> AgentInbox.AcknowledgementReceipt {
      Array(json.utf8).withUnsafeBytes { inbox.receiveAcknowledgement($0) }
    }
    #expect(receive(#"{"sensors":{"cold2-air":1000},"inc":"former"}"#) == .otherIncarnation("former"))
    #expect(inbox.take().watermarks.isEmpty, "a former install's watermark must not delete our samples")
    #expect(receive(#"{"sensors":{"cold2-air":7},"inc":"mine"}"#) == .applied)
    #expect(receive(#"{"sensors":{"cold2-air":5}}"#) == .applied, "a collector without incarnations")
    #expect(inbox.take().watermarks == ["cold2-air": 7])
    #expect(receive("[]") == .malformed)
  }
}
