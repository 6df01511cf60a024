import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import Foundation
import Logging
import TestSupport
import Testing

@testable import ColdTraceCollector

/// The collector's router and group committer on the in-memory transport and a manual clock, with a real SQLite
/// file: which route each message takes, and what each route commits, acknowledges, journals and publishes.
@Suite struct MessageRouterTests {
  static let site = "hongxuan"
  static let agent = "hx-edge-1"
  static let readingTopic = "coldtrace/v1/reading/hongxuan/cold2/probe-1"
  static let statusTopic = "coldtrace/v1/status/hongxuan/hx-edge-1"

  /// A collector started on an in-memory broker connection, its timers driven by hand.
  final class RunningCollector {
    let transport = InMemoryTransport()
    let clock = ManualClock()
    let store: SQLiteStore
    let journalPath: String
    let service: CollectorService
    private var stopped = false

    init(settings configure: (inout CollectorService.Settings) -> Void = { _ in }) throws {
      let directory = try TemporaryDirectory.make(prefix: "router")
      store = try SQLiteStore(path: directory.appendingPathComponent("c.db").path, durability: .onDemand)
      journalPath = directory.appendingPathComponent("c.alerts.jsonl").path
      var settings = CollectorService.Settings(collectorID: "test", broker: BrokerAddress(host: "127.0.0.1"))
      configure(&settings)
      service = try CollectorService(
        settings: settings, pipeline: try IngestPipeline(store: store, products: ProductAssignment()),
        journal: AlertJournal(path: journalPath), logger: Logger(label: "router-test"), clock: clock,
        transport: transport.factory)
      try service.start(timers: false)
      transport.connect()
    }

    deinit { stop() }

    func stop() {
      guard !stopped else { return }
      stopped = true
      service.stop()
    }

    /// Delivers a message on `topic`; false if the collector is not subscribed to it.
    @discardableResult
    func deliver(_ topic: String, _ text: String) -> Bool { transport.deliver(topic: topic, text: text) }

    /// A third-party reading (no agent, no `seq`) of `tempC` at `minutesAgo` before the clock's now.
    func deliverThirdParty(tempC: Double, minutesAgo: Double) {
      let ts = clock.now().adding(seconds: -minutesAgo * 60).rfc3339
      deliver(MessageRouterTests.readingTopic, "{\"v\":1,\"ts\":\"\(ts)\",\"temp_c\":\(tempC)}")
    }

    /// An agent's numbered reading.
    func deliverNumbered(seq: Int64, tempC: Double = 3, minutesAgo: Double = 1) {
      let sample = Sample(seq: seq, ts: clock.now().adding(seconds: -minutesAgo * 60), tempC: tempC)
      deliver(MessageRouterTests.readingTopic, ReadingEncoder.encode(agent: MessageRouterTests.agent, sample: sample))
    }

    /// The agent's retained `online` status announcing a durable outbox.
    func announceOutbox() {
      let status = StatusMessage(
        state: "online", sender: .agent(MessageRouterTests.agent), version: "0.1.0", ts: clock.now(),
        outbox: .init(pending: 0, dropped: 0))
      deliver(MessageRouterTests.statusTopic, status.encode())
    }

    var storedReadings: Int { (try? store.counts().readings) ?? -1 }
    var quarantined: Int { (try? store.counts().quarantinedByReason.values.reduce(0, +)) ?? -1 }
    var journalLines: [String] {
      ((try? String(contentsOfFile: journalPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
  }

  @Test func aThirdPartyReadingIsCommittedBeforeItsHandlerReturns() throws {
    let collector = try RunningCollector()
    collector.deliverThirdParty(tempC: 3.2, minutesAgo: 1)
    // Committed on the delivering thread: its PUBACK could only have left after this.
    #expect(collector.storedReadings == 1)
    #expect(collector.service.totals.messages == 1)
    #expect(collector.service.totals.batches == 0)
  }

  @Test func aNumberedReadingFromAnAgentWithoutAnOutboxIsCommittedAtOnce() throws {
    let collector = try RunningCollector()
    collector.deliverNumbered(seq: 1)
    #expect(collector.storedReadings == 1)
    #expect(collector.service.totals.batches == 0)
  }

  @Test func anOutboxAgentsReadingsAreGroupCommittedAndAcknowledgedOnceDurable() throws {
    let collector = try RunningCollector()
    collector.announceOutbox()
    for seq in 1...200 { collector.deliverNumbered(seq: Int64(seq), minutesAgo: Double(201 - seq) / 60) }
    #expect(eventually { collector.service.totals.freshSamples == 200 })
    #expect(collector.service.totals.batches >= 1)
    #expect(collector.service.totals.batches < 200, "every reading was committed alone")
    #expect(collector.transport.publications(matching: "coldtrace/v1/ack/#").isEmpty)
    collector.service.acknowledgeNow()
    let acks = collector.transport.publications(matching: "coldtrace/v1/ack/hongxuan/hx-edge-1")
    #expect(acks.count == 1)
    #expect(acks.last.flatMap { AcknowledgementMessage.decode($0.payload) }?.watermarks == ["probe-1": 200])
    // Nothing new: no acknowledgement is sent again.
    collector.service.acknowledgeNow()
    #expect(collector.transport.publications(matching: "coldtrace/v1/ack/#").count == 1)
  }

  @Test func aPayloadThatBreaksTheProtocolIsQuarantinedAtOnce() throws {
    let collector = try RunningCollector()
    collector.deliver(MessageRouterTests.readingTopic, "{\"v\":1,\"ts\":\"yesterday\",\"temp_c\":3}")
    #expect(collector.quarantined == 1)
    #expect(collector.storedReadings == 0)
    #expect(collector.service.totals.quarantined == 1)
  }

  @Test func aMalformedStatusIsIgnoredAndStoresNothing() throws {
    let collector = try RunningCollector()
    collector.deliver(MessageRouterTests.statusTopic, "{\"state\":")
    collector.deliverNumbered(seq: 1)
    // The agent did not announce an outbox, so its reading was committed inline, not queued.
    #expect(collector.storedReadings == 1)
    #expect(collector.quarantined == 0)
    #expect(collector.service.totals.batches == 0)
  }

  @Test func anAlertGoesToTheJournalAndToItsRoomsTopicAsCommitted() throws {
    let collector = try RunningCollector()
    // Litchi (the default product): critical above 8 °C for 10 minutes.
    for minute in 0...15 { collector.deliverThirdParty(tempC: 12, minutesAgo: Double(30 - minute)) }
    let published = collector.transport.publications(matching: "coldtrace/v1/alert/hongxuan/cold2").map(\.text)
    #expect(!published.isEmpty)
    let journal = collector.journalLines
    #expect(journal.count == published.count)
    #expect(journal == published, "the journal file and the alert topic carry the same committed lines")
    let alert = published.first.flatMap(AlertMessage.decode)
    #expect(alert?.event == "opened")
    #expect(alert?.alert.kind == .tempHigh)
  }

  @Test func anEventGoesToTheTopicOfTheRoomOfTheReadingThatRaisedIt() throws {
    let collector = try RunningCollector()
    for minute in 0...15 { collector.deliverThirdParty(tempC: 12, minutesAgo: Double(40 - minute)) }
    // The probe is moved to cold3 and reads normal again there: the resolution is cold3's news.
    let moved = "coldtrace/v1/reading/hongxuan/cold3/probe-1"
    for minute in 0...3 {
      let ts = collector.clock.now().adding(seconds: -Double(20 - minute) * 60).rfc3339
      collector.deliver(moved, "{\"v\":1,\"ts\":\"\(ts)\",\"temp_c\":3}")
    }
    let opened = collector.transport.publications(matching: "coldtrace/v1/alert/hongxuan/cold2").compactMap {
      AlertMessage.decode($0.text)
    }
    let resolved = collector.transport.publications(matching: "coldtrace/v1/alert/hongxuan/cold3").compactMap {
      AlertMessage.decode($0.text)
    }
    #expect(opened.first?.event == "opened")
    #expect(resolved.last?.event == "resolved")
    #expect(resolved.last?.alert.room == "cold2", "the line keeps the room the alert opened in")
  }

  @Test func aShellLineCommittedInBetweenIsCaughtUpInOrder() throws {
    let collector = try RunningCollector()
    for minute in 0...15 { collector.deliverThirdParty(tempC: 12, minutesAgo: Double(30 - minute)) }
    let opened = try #require(try collector.store.alerts(AlertFilter()).first)
    // An operator acknowledges from the shell (another process would also append its own line; here it does not).
    _ = try collector.store.write { tx in
      try tx.acknowledge(alertID: opened.id, by: "lan", note: nil, at: collector.clock.now())
    }
    collector.deliverThirdParty(tempC: 3, minutesAgo: 14)
    collector.deliverThirdParty(tempC: 3, minutesAgo: 1)
    let ids = collector.journalLines.compactMap { AlertMessage.decode($0)?.eventID }
    let stored = try collector.store.journalLines(after: 0).map(\.id)
    #expect(ids == stored, "the file holds every committed line once, in order")
    #expect(stored.count >= 3)
  }

  @Test func theCollectorsStatusIsRetainedOnlineAtConnectAndOfflineAtStop() throws {
    let collector = try RunningCollector()
    collector.stop()
    let statuses = collector.transport.publications(matching: "coldtrace/v1/status/collector/test")
    #expect(statuses.map(\.retain) == [true, true])
    #expect(statuses.compactMap { StatusMessage.decode($0.payload)?.state } == ["online", "offline"])
    #expect(collector.transport.options?.will?.topic == "coldtrace/v1/status/collector/test")
    #expect(collector.transport.options?.cleanSession == false)
  }

  @Test func aSilentProbeRaisesOfflineOnTheTimerWithoutANextReading() throws {
    let collector = try RunningCollector { $0.silence = SilenceRule(silentAfterSeconds: 600) }
    collector.deliverThirdParty(tempC: 3, minutesAgo: 0)
    collector.service.checkTimersNow()
    #expect(collector.transport.publications(matching: "coldtrace/v1/alert/#").isEmpty)
    collector.clock.advance(seconds: 601)
    collector.service.checkTimersNow()
    let alerts = collector.transport.publications(matching: "coldtrace/v1/alert/hongxuan/cold2")
    #expect(alerts.compactMap { AlertMessage.decode($0.text)?.alert.kind } == [.offline])
  }
}
