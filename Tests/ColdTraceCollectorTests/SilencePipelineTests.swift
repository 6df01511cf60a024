import ColdTraceConfig
import ColdTraceCore
import ColdTraceStorage
import Foundation
import Testing

@testable import ColdTraceCollector

/// Silences and maintenance windows through the real ingest pipeline on real SQLite files: they mark a room's band
/// alerts and leave every lot rule exactly as it would be without them.
@Suite("Silences through the ingest pipeline", .timeLimit(.minutes(10)))
struct SilencePipelineTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!

  private func at(minutes: Double) -> Timestamp { start.adding(seconds: minutes * 60) }

  /// A pipeline over a new database in its own directory, a litchi lot in hongxuan/cold2 from the start.
  private func pipeline() throws -> IngestPipeline {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-sil-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path)
    _ = try store.addLot("LI-1", product: "litchi", market: nil, site: "hongxuan", room: "cold2", at: start)
    return try IngestPipeline(store: store, products: ProductAssignment())
  }

  /// 7 °C every minute for 130 minutes: past litchi's 5 °C warning (45 min delay) and its 120-minute budget.
  private func warmRoom(_ pipeline: IngestPipeline) throws -> [CommittedAlert] {
    var raised: [CommittedAlert] = []
    for minute in 0...130 {
      let sample = Sample(seq: Int64(minute) + 1, ts: at(minutes: Double(minute)), tempC: 7)
      let payload = Array(ReadingEncoder.encode(agent: "hx-edge-1", sample: sample).utf8)
      let outcome = try payload.withUnsafeBytes {
        try pipeline.ingest(
          topic: "coldtrace/v1/reading/hongxuan/cold2/probe-1", payload: $0, receivedAt: at(minutes: Double(minute)))
      }
      if case .stored(_, _, let alerts) = outcome.outcomes.first { raised += alerts }
    }
    return raised
  }

  @Test func aLotsBudgetAlertAndStateAreTheSameWithAndWithoutASilence() throws {
    let plain = try pipeline()
    let silenced = try pipeline()
    let hongxuan = try SilenceScope.parse("hongxuan")
    _ = try silenced.store.write { tx in
      try tx.addSilence(hongxuan, from: at(minutes: -60), until: at(minutes: 600), reason: "cleaning", by: "lan")
    }
    silenced.store.useMaintenanceWindows([
      MaintenanceWindow(id: "maintenance:all-day", scope: hongxuan, fromMinute: 0, toMinute: 1439, reason: "test")
    ])
    let plainRaised = try warmRoom(plain)
    let silencedRaised = try warmRoom(silenced)

    let budget = try plain.store.alerts(AlertFilter()).filter { $0.kind == .budget }
    #expect(budget.count == 1 && budget.first?.openedAt == at(minutes: 120))
    #expect(try silenced.store.alerts(AlertFilter()).filter { $0.kind == .budget } == budget)
    #expect(try silenced.store.lotRuleState("LI-1") == plain.store.lotRuleState("LI-1"))
    let budgetEvent = try #require(silencedRaised.first { $0.event.alert.kind == .budget })
    #expect(budgetEvent.event.silencedBy == nil, "the budget alert is notified")

    // The room's own band alert is the same alert, marked and held back in the silenced room only.
    let plainHigh = try #require(plainRaised.first { $0.event.alert.kind == .tempHigh })
    let silencedHigh = try #require(silencedRaised.first { $0.event.alert.kind == .tempHigh })
    #expect(plainHigh.event.silencedBy == nil)
    #expect(silencedHigh.event.silencedBy == "1")
    var unmarked = silencedHigh.event.alert
    unmarked.silenced = nil
    #expect(unmarked == plainHigh.event.alert)
  }

  private func load(_ text: String) throws -> CollectorConfigFile {
    try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: text))
  }

  @Test func maintenanceTablesAreReadWithTheirDefaultsAndJournalledInTheSnapshot() throws {
    let file = try load(
      """
      [[maintenance]]
      scope = "hongxuan/cold2"
      days = ["mon", "thu"]
      from = "06:00"
      to = "07:30"
      reason = "cleaning"

      [[maintenance]]
      name = "night-defrost"
      scope = "thanhha"
      from = "23:00"
      to = "01:00"
      zone = "Z"
      reason = "defrost"
      """)
    #expect(file.maintenance.count == 2)
    let first = file.maintenance[0]
    #expect(first.id == "maintenance:1" && first.days == [1, 4] && first.offsetMinutes == 420)
    #expect(first.fromMinute == 360 && first.toMinute == 450)
    let second = file.maintenance[1]
    #expect(second.id == "maintenance:night-defrost" && second.days.count == 7 && second.offsetMinutes == 0)
    let settings = try file.configurationSnapshot().settings
    #expect(settings["maintenance:1"] == "hongxuan/cold2 mon,thu 06:00-07:30 +07:00: cleaning")
    #expect(settings["maintenance:night-defrost"] == "thanhha daily 23:00-01:00 +00:00: defrost")
  }

  @Test func windowsThatTogetherCoverAWholeDayAreRefusedNamingThem() throws {
    let day = "from = \"06:00\"\nto = \"18:30\"\nreason = \"day shift\""
    let night = "from = \"18:00\"\nto = \"06:30\"\nreason = \"night\""
    #expect {
      try load(
        "[[maintenance]]\nscope = \"hongxuan\"\n\(day)\n[[maintenance]]\nname = \"night\"\n"
          + "scope = \"hongxuan/cold2\"\n\(night)\n")
    } throws: { error in
      let line = "\(error)"
      return line.contains("maintenance:1, maintenance:night") && line.contains("hongxuan/cold2")
        && line.contains("only 0 min") && !line.contains("\n")
    }
    // The same windows on different rooms leave each room its nights (or days); an hour free a day is enough.
    let apart = try load(
      "[[maintenance]]\nscope = \"hongxuan/cold1\"\n\(day)\n[[maintenance]]\nscope = \"hongxuan/cold2\"\n\(night)\n"
        + "[[maintenance]]\nscope = \"thanhha\"\nfrom = \"07:00\"\nto = \"06:00\"\nreason = \"x\"\n")
    #expect(apart.maintenance.count == 3)
    // A window of 23 h every day but one leaves less than an hour in the 24 h around midnight of that day's end.
    #expect(throws: ConfigError.self) {
      try load("[[maintenance]]\nscope = \"thanhha\"\nfrom = \"07:00\"\nto = \"06:30\"\nreason = \"x\"\n")
    }
  }

  @Test(arguments: [
    ("scope = \"hongxuan/cold 2\"\nfrom = \"06:00\"\nto = \"07:00\"\nreason = \"x\"", "scope"),
    ("scope = \"hongxuan\"\nfrom = \"6am\"\nto = \"07:00\"\nreason = \"x\"", "from"),
    ("scope = \"hongxuan\"\nfrom = \"06:00\"\nto = \"06:00\"\nreason = \"x\"", "to"),
    ("scope = \"hongxuan\"\nfrom = \"06:00\"\nto = \"07:00\"\ndays = [\"monday\"]\nreason = \"x\"", "days"),
    ("scope = \"hongxuan\"\nfrom = \"06:00\"\nto = \"07:00\"\nreason = \"x\"\nzone = \"+7\"", "zone"),
    ("scope = \"hongxuan\"\nfrom = \"06:00\"\nto = \"07:00\"\nreason = \"\"", "reason"),
    ("scope = \"hongxuan\"\nfrom = \"06:00\"\nto = \"07:00\"\nreason = \"x\"\nevery = \"day\"", "every"),
  ])
  func aBadMaintenanceValueIsRefusedNamingItsKey(_ body: String, _ key: String) {
    #expect {
      try load("[[maintenance]]\n" + body + "\n")
    } throws: { error in
      "\(error)".contains("maintenance[1].\(key)")
    }
  }
}
