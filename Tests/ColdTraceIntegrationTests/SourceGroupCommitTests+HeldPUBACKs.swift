import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import GRDB
import Synchronization
import TestSupport
import Testing

/// A `[[source]]`'s QoS 1 readings take the writer's group commit, their PUBACKs held until the group is committed:
/// while the writer cannot commit, no PUBACK passes; a collector killed mid-stream has stored every message it
/// acknowledged, and after a restart the broker's redeliveries fill in the rest, each reading once.
extension SourceGroupCommitTests {
  /// Publishes `count` readings at QoS 1 to `farm/cold1/p1/json` from one `mosquitto_pub -l`, 7 ms apart in payload
  /// time from `start` (ms).
  static func publishBurst(_ count: Int, start: Int64, in facility: Facility, port: Int) throws {
    let lines = (0..<count).map { index in
      let ms = start + Int64(index) * 7
      return #"{"t":\#(Double(index % 1000) / 100),"ts":\#(ms / 1000).\#(String(format: "%03d", Int(ms % 1000)))}"#
    }
    let file = facility.directory.appendingPathComponent("burst-\(count).txt")
    try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: "/bin/sh"),
      [
        "-c", "\"$0\" -h 127.0.0.1 -p \"$1\" -q 1 -t farm/cold1/p1/json -l < \"$2\"", pub, String(port), file.path,
      ])
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }

  /// The collector behind a `LoopbackProxy` whose watch sees every PUBLISH and PUBACK between it and the broker.
  struct ProxiedCollector {
    let broker: MosquittoBroker
    let facility: Facility
    let watch: PUBACKAfterCommitWatch
    let proxy: LoopbackProxy
    let config: URL

    init() throws {
      broker = try MosquittoBroker()
      facility = try Facility(broker: broker)
      let watch = PUBACKAfterCommitWatch(topicPrefix: "farm/", database: facility.database)
      self.watch = watch
      proxy = try LoopbackProxy(targetPort: broker.port) { watch.inspect(fromCollector: $0, bytes: $1) }
      config = facility.directory.appendingPathComponent("collector.toml")
      try SourceGroupCommitTests.config.write(to: config, atomically: true, encoding: .utf8)
      try start()
    }

    func start() throws {
      let runs = facility.collectorLog.components(separatedBy: "subscribed to farm/+/+/json").count
      watch.connectionStarts()
      try facility.startCollector(brokerURL: proxy.url, arguments: ["--config", config.path])
      let subscribed = eventually(timeout: 20) {
        facility.collectorLog.components(separatedBy: "subscribed to farm/+/+/json").count > runs
      }
      if !subscribed { throw TestSupportError("the collector did not subscribe:\n\(facility.collectorLog)") }
    }

    func stop() {
      facility.stopCollector()
      proxy.stop()
      broker.stop()
    }

    /// Publishes `count` readings at QoS 1 from one `mosquitto_pub -l`, 7 ms apart in payload time from `start` (ms).
    func publish(_ count: Int, start: Int64) throws {
      try SourceGroupCommitTests.publishBurst(count, start: start, in: facility, port: broker.port)
    }

    /// The payload times (ms) of the stored readings.
    func storedTimes() throws -> [Int64] {
      let store = try SQLiteStore(path: facility.database, create: false)
      return try store.readings(ReadingFilter()).map(\.sample.ts.milliseconds)
    }
  }

  /// The test holds SQLite's write lock, so the collector's writer cannot commit (it waits and retries): the broker
  /// hands the collector every message, and not one PUBACK passes the proxy until the lock is let go. A collector
  /// that acknowledged a queued reading before its group committed would be caught here at once.
  @Test func noPUBACKLeavesWhileTheWriterCannotCommit() throws {
    let rig = try ProxiedCollector()
    defer { rig.stop() }
    let lock = try WriteLock(path: rig.facility.database)
    defer { lock.release() }

    try rig.publish(Self.count, start: SourceClock.secondsAgo(3_600) * 1000)
    #expect(
      eventually(timeout: 20) { rig.watch.published == Self.count },
      "the broker handed over \(rig.watch.published) of \(Self.count) messages (its window should take them all)")
    Thread.sleep(forTimeInterval: 1.5)  // time enough for a collector that does not wait to acknowledge them
    let passed = rig.watch.acknowledged.count
    #expect(passed == 0, "\(passed) PUBACKs passed while nothing could commit")
    #expect(try rig.storedTimes().isEmpty)

    lock.release()
    #expect(
      eventually(timeout: 30) { rig.watch.acknowledged.count == Self.count }, "\(rig.watch.acknowledged.count) PUBACKs")
    let early = rig.watch.acknowledged.filter { $0.stored < $0.message }.count
    #expect(early == 0, "\(early) PUBACKs left before their reading was stored")
    #expect(rig.watch.acknowledged.map(\.message) == Array(1...Self.count), "one PUBACK per message, in order")
    #expect(try rig.storedTimes().count == Self.count)
  }

  /// SIGKILL while a QoS 1 backlog streams in (published while the collector was away, kept in its session):
  /// every message the collector had acknowledged is stored; started again, it receives the rest, each reading once.
  @Test func aCollectorKilledMidStreamHasStoredEveryMessageItAcknowledged() throws {
    let rig = try ProxiedCollector()
    defer { rig.stop() }
    rig.facility.stopCollector()
    let total = 6_000
    let start = SourceClock.secondsAgo(7_200) * 1000
    try rig.publish(total, start: start)
    try rig.start()
    #expect(eventually(timeout: 60, interval: 0.001) { rig.watch.acknowledged.count >= 1_000 }, "too few PUBACKs")
    rig.facility.killCollector()
    Thread.sleep(forTimeInterval: 0.5)  // PUBACKs already written reach the proxy (and the broker) all the same
    let acknowledged = rig.watch.acknowledged
    #expect(acknowledged.count < total, "every message was acknowledged before the kill; nothing was tested")
    // The broker hands over the backlog in publication order: message k is line k - 1.
    let stored = Set(try rig.storedTimes())
    let lost = acknowledged.filter { !stored.contains(start + Int64($0.message - 1) * 7) }.count
    #expect(lost == 0, "\(lost) of \(acknowledged.count) acknowledged messages are not stored")
    print("SIGKILL: \(acknowledged.count) acknowledged, \(stored.count) stored of \(total) at the kill")

    try rig.start()
    #expect(eventually(timeout: 120) { (try? rig.storedTimes().count) == total }, "not every reading arrived")
    let times = try rig.storedTimes()
    #expect(times.count == total && Set(times).count == total, "\(times.count) stored, \(Set(times).count) distinct")
    #expect(Set(times) == Set((0..<total).map { start + Int64($0) * 7 }))
  }
}

/// SQLite's write lock on a database, taken from a connection of the test's own until `release()`: the collector's
/// commits wait (busy) and retry meanwhile.
final class WriteLock: Sendable {
  private let letGo = DispatchSemaphore(value: 0)
  private let ended = DispatchSemaphore(value: 0)
  private let released = Mutex(false)

  init(path: String) throws {
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    let locked = DispatchSemaphore(value: 0)
    let thread = Thread { [letGo, ended] in
      try? queue.writeWithoutTransaction { db in
        try db.execute(sql: "BEGIN IMMEDIATE")
        locked.signal()
        letGo.wait()
        try db.execute(sql: "COMMIT")
      }
      ended.signal()
    }
    thread.start()
    guard locked.wait(timeout: .now() + 30) == .success else {
      throw TestSupportError("could not take the write lock of \(path)")
    }
  }

  /// Commits the empty transaction, letting the collector's writer go on; once.
  func release() {
    guard
      released.withLock({ released in
        defer { released = true }
        return !released
      })
    else { return }
    letGo.signal()
    ended.wait()
  }
}
