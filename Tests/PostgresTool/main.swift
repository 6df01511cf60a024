import ColdTraceCore
import ColdTracePostgres
import Foundation
import Synchronization

// Helper for the PostgreSQL tests and benchmark (not installed):
//   coldtrace-pg-tool own-slot URL SLOT OWNER SITE LEASE_SECONDS
//     takes the slot (waiting up to 30 s), renews its lease on a thread of its own, and writes one reading every
//     20 ms with the epoch it took the slot at, printing `owner epoch N`, `wrote SEQ`, and `fenced: …` (exit 3) when
//     its writes are refused. Stops by itself after 60 s.
//   coldtrace-pg-tool ingest-bench URL READINGS BATCH PROBES
//     stores READINGS readings of PROBES probes in transactions of BATCH readings and prints readings/s.

func fail(_ message: String, status: Int32 = 2) -> Never {
  FileHandle.standardError.write(Data("coldtrace-pg-tool: \(message)\n".utf8))
  exit(status)
}

func say(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The slot's lease lives on this thread (a connection is owned by one thread): it takes the slot, hands the epoch
/// to the caller, and renews the lease until its session is gone.
func holdSlot(url: String, slot: Int32, owner: String, leaseSeconds: Double) -> Int64 {
  let epoch = Mutex<Result<Int64, PostgresError>?>(nil)
  let thread = Thread {
    do {
      let lease = try SlotLease(url: url, slot: slot, owner: owner, leaseSeconds: leaseSeconds)
      guard let taken = try lease.acquire(timeoutSeconds: 30) else { fail("slot \(slot) not free after 30 s") }
      epoch.withLock { $0 = .success(taken) }
      while true {
        Thread.sleep(forTimeInterval: leaseSeconds / 4)
        try lease.renew()
      }
    } catch let error as PostgresError {
      if epoch.withLock({ $0 == nil }) { epoch.withLock { $0 = .failure(error) } } else { say("lease lost: \(error)") }
    } catch {
      fail("\(error)")
    }
  }
  thread.start()
  while true {
    if let result = epoch.withLock({ $0 }) {
      switch result {
      case .success(let taken): return taken
      case .failure(let error): fail("\(error)", status: 1)
      }
    }
    Thread.sleep(forTimeInterval: 0.01)
  }
}

func ownSlot(_ arguments: [String]) throws {
  guard arguments.count == 5, let slot = Int32(arguments[1]), let lease = Double(arguments[4]) else {
    fail("usage: own-slot URL SLOT OWNER SITE LEASE_SECONDS")
  }
  let (url, owner, site) = (arguments[0], arguments[2], arguments[3])
  let epoch = holdSlot(url: url, slot: slot, owner: owner, leaseSeconds: lease)
  let writer = try SlotWriter(url: url, slot: slot, epoch: epoch, idleInTransactionSeconds: lease)
  try writer.createMonthsAhead(now: Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)))
  say("owner epoch \(epoch)")
  let started = Date()
  var seq: Int64 = 0
  while Date().timeIntervalSince(started) < 60 {
    seq += 1
    do {
      try writer.write { transaction in
        let probe = try transaction.sourceID(site: site, sensor: owner, room: "cold1", agent: owner)
        let sample = Sample(seq: seq, ts: Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)), tempC: 4)
        _ = try transaction.insertReadings([PostgresReading(source: probe, sample: sample)])
      }
      say("wrote \(seq)")
    } catch let error as PostgresError where error.kind == .fenced {
      say("fenced: \(error)")
      exit(3)
    }
    Thread.sleep(forTimeInterval: 0.02)
  }
}

func ingestBench(_ arguments: [String]) throws {
  guard arguments.count == 4, let total = Int(arguments[1]), let batch = Int(arguments[2]),
    let probes = Int(arguments[3]), total > 0, batch > 0, probes > 0
  else { fail("usage: ingest-bench URL READINGS BATCH PROBES") }
  let url = arguments[0]
  try PostgresSchema.migrate(PostgresConnection(url: url))
  let epoch = holdSlot(url: url, slot: 0, owner: "bench", leaseSeconds: 30)
  let writer = try SlotWriter(url: url, slot: 0, epoch: epoch)
  // One reading a minute per probe, from 2026-12-01: a month holds 44,640 minutes.
  let start: Int64 = 1_796_083_200_000
  let ids = try writer.write { transaction in
    try (0..<probes).map { try transaction.sourceID(site: "bench", sensor: "p\($0)", room: "cold1", agent: "a1") }
  }
  var readings: [PostgresReading] = []
  readings.reserveCapacity(total)
  for index in 0..<total {
    let minute = Int64(index / probes)
    let sample = Sample(
      seq: minute + 1, ts: Timestamp(milliseconds: start + minute * 60_000), tempC: 3.5 + Double(index % 97) / 100,
      rhPct: 85 + Double(index % 13) / 10)
    readings.append(PostgresReading(source: ids[index % probes], sample: sample))
  }
  try writer.createMonthsAhead(now: Timestamp(milliseconds: start))
  let began = Date()
  var stored = 0
  for first in stride(from: 0, to: total, by: batch) {
    let slice = Array(readings[first..<min(first + batch, total)])
    stored += try writer.write { try $0.insertReadings(slice) }.stored.count
  }
  let seconds = Date().timeIntervalSince(began)
  guard stored == total else { fail("stored \(stored) of \(total) readings", status: 1) }
  say(
    "stored \(total) readings in \(total / batch) transactions of \(batch) in \(String(format: "%.2f", seconds)) s: "
      + "\(Int(Double(total) / seconds)) readings/s")
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  switch arguments.first {
  case "own-slot": try ownSlot(Array(arguments.dropFirst()))
  case "ingest-bench": try ingestBench(Array(arguments.dropFirst()))
  default: fail("usage: coldtrace-pg-tool own-slot … | ingest-bench …")
  }
} catch {
  fail("\(error)", status: 1)
}
