import ColdTraceCore
import Foundation
import Testing

@testable import ColdTraceStorage

/// An acknowledged alert that stays open is announced again, every period, until it resolves.
struct RenotificationTests {
  private let t0 = Timestamp(seconds: 1_780_000_000)

  @Test func anAcknowledgedOpenAlertIsAnnouncedAgainEachPeriodUntilResolved() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-renotify-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("r.db").path)
    let key = SensorKey(site: "hx", room: "cold2", sensor: "p1")
    func event(_ type: AlertEventType, at seconds: Double) -> AlertEvent {
      AlertEvent(
        type: type, key: key, kind: .tempHigh, severity: .warning, productID: "litchi", at: t0.adding(seconds: seconds),
        limit: 5, value: 6, peak: 6, message: "m")
    }
    let opened = try store.write { tx in try tx.apply(event(.opened, at: 0)) }
    _ = try store.write { tx in try tx.acknowledge(alertID: opened.alert.id, by: "lan", note: nil, at: t0) }
    func due(after seconds: Double) throws -> [RecordedEvent] {
      try store.write { tx in try tx.renotifyDue(now: self.t0.adding(seconds: seconds), afterSeconds: 3600) }
    }
    #expect(try due(after: 3599).isEmpty)
    let first = try due(after: 3601)
    #expect(first.count == 1 && first[0].alert.id == opened.alert.id)
    #expect(first[0].line.contains("\"event\":\"renotified\""))
    #expect(try due(after: 3700).isEmpty, "once per period")
    #expect(try due(after: 7202).count == 1)
    _ = try store.write { tx in try tx.apply(event(.resolved, at: 7300)) }
    #expect(try due(after: 20_000).isEmpty, "a resolved alert is never announced again")
  }

  @Test func anUnacknowledgedAlertIsNotRenotified() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-renotify-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("r.db").path)
    let key = SensorKey(site: "hx", room: "cold2", sensor: "p1")
    _ = try store.write { tx in
      try tx.apply(
        AlertEvent(
          type: .opened, key: key, kind: .tempHigh, severity: .warning, productID: "litchi", at: t0, limit: 5,
          value: 6, peak: 6, message: "m"))
    }
    #expect(try store.write { tx in try tx.renotifyDue(now: t0.adding(seconds: 99_999), afterSeconds: 60) }.isEmpty)
  }
}
