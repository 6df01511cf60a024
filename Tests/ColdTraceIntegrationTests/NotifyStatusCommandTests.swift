import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace notify status` against a real database: per channel, the rows held for their room's crossing group and
/// those grouped into a room alert, besides the pending ones, in JSON and in the English and Vietnamese tables.
@Suite(.timeLimit(.minutes(10)))
struct NotifyStatusCommandTests {
  private let clock = ManualClock()

  private func event(_ room: String, _ sensor: String) -> AlertEvent {
    AlertEvent(
      type: .opened, key: SensorKey(site: "hx", room: room, sensor: sensor), kind: .tempHigh, severity: .critical,
      productID: "litchi", at: clock.now(), limit: 8, value: 9, peak: 9, message: "m")
  }

  /// Channel `sms` takes every event, `email` those of cold3. In cold1, probe-1 waits for its room's group; probe-2
  /// and probe-3 joined the room alert (pending, as is cold3's alert for both channels).
  private func database() throws -> String {
    let path = try TemporaryDirectory.make(prefix: "notify-status").appendingPathComponent("coldtrace.db").path
    let store = try SQLiteStore(path: path)
    var cold3 = NotificationRoute(channel: "email")
    cold3.rooms = ["hx/cold3"]
    store.useNotificationRouting(NotificationRouting(routes: [NotificationRoute(channel: "sms"), cold3], clock: clock))
    try store.write { tx in
      let waiting = try tx.apply(event("cold1", "probe-1"))
      try tx.holdForGroupWait(alertID: waiting.alert.id, until: clock.now().adding(seconds: 60))
      let room = try tx.apply(event("cold1", "*"))
      for sensor in ["probe-2", "probe-3"] {
        let member = try tx.apply(event("cold1", sensor))
        try tx.joinGroup(alertID: member.alert.id, groupID: room.alert.id, now: clock.now())
      }
      _ = try tx.apply(event("cold3", "probe-9"))
    }
    return path
  }

  @Test func heldAndGroupedRowsAreCountedPerChannelInJSONAndBothLanguages() throws {
    let db = try database()
    let json = try Executables.coldtrace(["notify", "status", "--json"], db: db)
    #expect(json.status == 0, "\(json.stderr)")
    let objects = json.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    let counts = objects.map { object in
      ["channel", "pending", "held", "grouped", "delivered"].map { "\(object[$0] ?? "absent")" }
    }
    #expect(counts == [["email", "1", "0", "0", "0"], ["sms", "2", "1", "2", "0"]], "\(json.stdout)")

    let english = try Executables.coldtrace(["notify", "status", "--lang", "en"], db: db)
    let lines = english.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(lines.first?.starts(with: ["CHANNEL", "PENDING", "HELD", "DELIVERED"]) == true, "\(english.stdout)")
    #expect(lines.contains { $0.starts(with: ["sms", "2", "1", "0", "0", "0", "2", "0"]) }, "\(english.stdout)")
    #expect(english.stdout.hasSuffix("times in Asia/Ho_Chi_Minh (+07:00)\n"), "\(english.stdout)")

    let vietnamese = try Executables.coldtrace(["notify", "status", "--lang", "vi"], db: db)
    #expect(vietnamese.status == 0, "\(vietnamese.stderr)")
    let header = try #require(vietnamese.stdout.split(separator: "\n").first)
    #expect(header.hasPrefix("KÊNH") && header.contains("TẠM GIỮ") && header.contains("ĐÃ GỘP"), "\(header)")
    #expect(!vietnamese.stdout.contains("times in"), "the zone line is in Vietnamese too: \(vietnamese.stdout)")
  }

  @Test func anEmptyOutboxSaysSoInEachLanguageAndABadLanguageIsOneLineExitTwo() throws {
    let db = try TemporaryDirectory.make(prefix: "notify-empty").appendingPathComponent("coldtrace.db").path
    _ = try SQLiteStore(path: db)
    #expect(try Executables.coldtrace(["notify", "status"], db: db).stdout.hasPrefix("no notifications queued"))
    #expect(
      try Executables.coldtrace(["notify", "status", "--lang", "vi"], db: db).stdout.hasPrefix("chưa có thông báo nào"))
    let bad = try Executables.coldtrace(["notify", "status", "--lang", "fr"], db: db)
    #expect(bad.status == 2 && bad.stdout.isEmpty)
    #expect(bad.stderr.split(separator: "\n") == [#"coldtrace: --lang must be en or vi, not "fr""#], "\(bad.stderr)")
  }
}
