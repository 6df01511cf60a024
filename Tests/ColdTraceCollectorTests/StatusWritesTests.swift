import ColdTraceCore
import ColdTraceStorage
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceCollector

/// An agent's status is written by the writer thread, not by the MQTT network thread: while the database connection
/// is busy (a flooding site's batch in the writer), a status that announces an outbox and probes returns at once, its
/// agent's readings are batched and admitted at once, and its rows follow once the connection is free, before the
/// readings queued after it.
@Suite(.timeLimit(.minutes(10)))
struct StatusWritesTests {
  /// Holds the store's connection in a transaction on a thread of its own until `release()`, or `seconds` at most
  /// (so that a handler which waits for it cannot wait for ever).
  final class BusyConnection: Sendable {
    private let letGo = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)
    let released = Atomic<Bool>(false)

    init(_ store: SQLiteStore, seconds: Double) {
      let holding = DispatchSemaphore(value: 0)
      Thread { [self] in
        try? store.write { _ in
          holding.signal()
          _ = letGo.wait(timeout: .now() + seconds)
          released.store(true, ordering: .sequentiallyConsistent)
        }
        ended.signal()
      }.start()
      holding.wait()
    }

    func release() {
      letGo.signal()
      ended.wait()
    }
  }

  @Test func aStatusReturnsWhileTheConnectionIsBusyAndItsRowsFollowBeforeTheReadingsAfterIt() throws {
    let collector = try MessageRouterTests.RunningCollector { settings in
      settings.siteLimits.defaults.probePolicy = .hold
    }
    let store = collector.store
    let status = StatusMessage(
      state: "online", sender: .agent(MessageRouterTests.agent), version: "0.1.0", ts: collector.clock.now(),
      outbox: .init(pending: 0, dropped: 0), placements: ["probe-1": .product],
      probes: ["probe-1": "cold2", "probe-2": "cold2"])
    let busy = BusyConnection(store, seconds: 5)
    let started = ContinuousClock.now
    collector.deliver(MessageRouterTests.statusTopic, status.encode())
    let handled = ContinuousClock.now - started
    // Before: the handler wrote the outbox, the placements and the registrations itself, each waiting for the
    // connection (here up to 5 s).
    let releasedBeforeStatus = busy.released.load(ordering: .sequentiallyConsistent)
    #expect(!releasedBeforeStatus, "the status waited \(handled) for the connection")
    #expect(handled < .seconds(1))
    // Known at once, in memory: the announced probe's reading is admitted (an unknown one is quarantined under the
    // `hold` policy, a write that would wait here) and queued as an outbox agent's, not committed at once.
    let reading = ContinuousClock.now
    collector.deliverNumbered(seq: 1)
    #expect(ContinuousClock.now - reading < .seconds(1))
    let releasedBeforeReading = busy.released.load(ordering: .sequentiallyConsistent)
    #expect(!releasedBeforeReading, "the reading waited for the connection")
    busy.release()

    #expect(eventually { collector.storedReadings == 1 })
    #expect(collector.quarantined == 0)
    #expect(collector.service.totals.batches == 1, "its reading was group-committed: the outbox was known at once")
    let registered = try store.probeRegistry().registered
    #expect(
      registered == [ProbeKey(site: "hongxuan", sensor: "probe-1"), ProbeKey(site: "hongxuan", sensor: "probe-2")])
    #expect(try store.agentsWithOutbox().contains(AgentKey(site: "hongxuan", agent: MessageRouterTests.agent)))
    // The placement the status announced is the one the rules use.
    #expect(collector.service.pipeline.placement(of: ProbeKey(site: "hongxuan", sensor: "probe-1")) == .product)
  }

  @Test func aChoreRunsBeforeTheReadingsQueuedAfterItAndWakesAnIdleWriter() throws {
    let queue = IngestQueue(capacity: 100, batchLimit: 100, sampleLimit: 1_000, gatherSeconds: 0)
    let ran = Mutex<[String]>([])
    func item(_ seq: Int64) -> IngestQueue.Item {
      let key = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1")
      let sample = Sample(seq: seq, ts: Timestamp(seconds: 1_780_000_000 + seq), tempC: 3)
      return IngestQueue.Item(
        topic: "coldtrace/v1/reading/hongxuan/cold2/probe-1", payload: [],
        reading: DecodedReading(key: key, agent: "hx-edge-1", samples: [sample], isBatch: false))
    }
    #expect(queue.put(item(1)) == .queued)
    #expect(queue.schedule { ran.withLock { $0.append("status") } })
    #expect(queue.put(item(2)) == .queued)
    let round = queue.takeRound()
    #expect(round.chores.count == 1, "the chore comes with the round that holds the reading queued after it")
    #expect(round.items.compactMap { $0.reading.samples.first?.seq } == [1, 2])

    // An idle writer, waiting for readings, is woken by a chore alone.
    let woken = DispatchSemaphore(value: 0)
    let taken = Mutex<(chores: Int, items: Int)?>(nil)
    Thread {
      let round = queue.takeRound()
      taken.withLock { $0 = (round.chores.count, round.items.count) }
      woken.signal()
    }.start()
    #expect(queue.schedule { ran.withLock { $0.append("second") } })
    #expect(woken.wait(timeout: .now() + 10) == .success)
    #expect(taken.withLock { $0?.chores == 1 && $0?.items == 0 })
    queue.close()
    #expect(!queue.schedule {}, "closed: the caller runs it")
  }
}
