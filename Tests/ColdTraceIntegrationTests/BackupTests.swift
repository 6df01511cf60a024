import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// `coldtrace backup` while the collector is writing: a consistent, integrity-checked copy.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct BackupTests {
  @Test func anOnlineBackupIsConsistentAndNeverOverwrites() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let agent = try facility.startAgent(interval: 0.01)
    defer { agent.stop() }
    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually(timeout: 30) { ((try? store.counts().readings) ?? 0) >= 200 })

    let copy = facility.directory.appendingPathComponent("backup.db").path
    let result = try facility.shell(["backup", copy])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("integrity ok"))
    let live = try store.counts().readings
    let backup = try SQLiteStore(path: copy, create: false)
    let copied = try backup.counts().readings
    #expect(copied >= 200 && copied <= live)
    let seqs = try backup.readings(ReadingFilter()).compactMap(\.sample.seq).sorted()
    #expect(seqs == Array(1...Int64(copied)), "a consistent snapshot: a prefix, no holes")

    let again = try facility.shell(["backup", copy])
    #expect(again.status == 2)
    #expect(try SQLiteStore(path: copy, create: false).counts().readings == copied)
  }
}
