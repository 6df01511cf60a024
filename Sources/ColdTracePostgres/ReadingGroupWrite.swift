import ColdTraceCore

/// A reading to store: its probe's id (`SlotTransaction.sourceID`) and the sample.
public struct PostgresReading: Sendable, Equatable {
  public var source: Int32
  public var sample: Sample

  public init(source: Int32, sample: Sample) {
    self.source = source
    self.sample = sample
  }
}

/// What a group write did with each reading of its batch, by position in the batch.
public struct GroupWriteResult: Sendable, Equatable {
  /// Stored by this write, in batch order.
  public var stored: [Int] = []
  /// Stored already with the same time and values (a re-send): left as it was.
  public var duplicates: [Int] = []
  /// A numbered reading whose (probe, seq) is stored already with another time or other values: refused, not stored
  /// (`seq_reused`, docs/durability.md).
  public var reused: [Int] = []
}

extension SlotTransaction {
  /// Stores a batch of readings idempotently, with a constant number of statements whatever its size: the probes'
  /// rows locked, one look-up of the numbers that may be stored already, one insert of every new row from arrays
  /// (`unnest`, `ON CONFLICT DO NOTHING`), one update of the probes' highest numbers.
  ///
  /// A (probe, seq) is stored once, as in SQLite: a numbered reading above its probe's `highest_seq` is new by
  /// definition; one at or below it is looked up by (probe, seq) in every month (the key's prefix) and is either a
  /// re-send (same time and values: a duplicate) or a number used again (refused). The probes' rows stay locked
  /// FOR UPDATE until commit, so two transactions cannot both find a number new. A reading without a number is kept
  /// once per (probe, ts) by the key itself.
  public func insertReadings(_ batch: [PostgresReading]) throws -> GroupWriteResult {
    var result = GroupWriteResult()
    guard !batch.isEmpty else { return result }
    let rows = batch.map(StoredReading.init)
    let highest = try lockSources(Set(rows.map(\.source)).sorted())
    // Months the batch needs, made before the insert (rare: the writer makes each month ahead).
    for month in Set(rows.map { MonthStart(containing: $0.ts).milliseconds })
    where !writer.ensuredMonths.contains(month) {
      if !monthsMade.contains(month) {
        try ReadingPartitions.ensureMonth(containing: month, on: connection)
        monthsMade.insert(month)
      }
    }
    // Classify: new (above the highest stored number), to check (at or below it), or a number the batch repeats.
    var toInsert: [Int] = []
    var toCheck: [Int] = []
    var firstInBatch: [SequenceKey: Int] = [:]
    var unnumbered: Set<ReadingKey> = []
    for (index, row) in rows.enumerated() {
      guard row.seq >= 0 else {
        // Kept once per (probe, ts), as SQLite's INSERT OR IGNORE keeps the first.
        if unnumbered.insert(row.key).inserted { toInsert.append(index) } else { result.duplicates.append(index) }
        continue
      }
      let key = SequenceKey(source: row.source, seq: row.seq)
      if let first = firstInBatch[key] {
        if rows[first].sameContent(as: row) { result.duplicates.append(index) } else { result.reused.append(index) }
        continue
      }
      firstInBatch[key] = index
      if row.seq > highest[row.source, default: -1] {
        toInsert.append(index)
      } else {
        toCheck.append(index)
      }
    }
    if !toCheck.isEmpty {
      let found = try storedAlready(toCheck.map { rows[$0] }, indexes: toCheck)
      for index in toCheck {
        if let stored = found[index] {
          if stored.sameContent(as: rows[index]) {
            result.duplicates.append(index)
          } else {
            result.reused.append(index)
          }
        } else {
          toInsert.append(index)
        }
      }
    }
    toInsert.sort()
    let inserted: Set<ReadingKey>
    do {
      inserted = try insert(toInsert.map { rows[$0] })
    } catch let error as PostgresError where error.sqlState == "23514" && error.message.hasPrefix("no partition") {
      let months = Set(toInsert.map { MonthStart(containing: rows[$0].ts) }).map(\.text).sorted()
      throw PostgresError(
        .statement, sqlState: error.sqlState,
        message: "no partition of readings holds a reading of this batch (months \(months.joined(separator: ", "))): "
          + "its month was detached (or dropped) and is not made again empty; attach it to store readings of it")
    }
    for index in toInsert {
      if inserted.contains(rows[index].key) { result.stored.append(index) } else { result.duplicates.append(index) }
    }
    result.duplicates.sort()
    result.reused.sort()
    var raised: [Int32: Int64] = [:]
    for index in result.stored where rows[index].seq > highest[rows[index].source, default: -1] {
      raised[rows[index].source] = max(raised[rows[index].source, default: -1], rows[index].seq)
    }
    guard !raised.isEmpty else { return result }
    try connection.execute(
      """
      UPDATE sources SET highest_seq = v.highest FROM unnest($1::integer[], $2::bigint[]) AS v(id, highest)
      WHERE sources.id = v.id AND v.highest > sources.highest_seq
      """, [.intArray(Array(raised.keys)), .intArray(Array(raised.values))])
    return result
  }

  /// Locks the probes' rows (in id order: no deadlock between writers) and returns their highest stored numbers.
  private func lockSources(_ ids: [Int32]) throws -> [Int32: Int64] {
    let rows = try connection.execute(
      "SELECT id, highest_seq FROM sources WHERE id = ANY($1::integer[]) ORDER BY id FOR UPDATE", [.intArray(ids)]
    ).rows
    var highest: [Int32: Int64] = [:]
    for row in rows { highest[Int32(try row.int64(0))] = try row.int64(1) }
    if let missing = ids.first(where: { highest[$0] == nil }) {
      throw PostgresError(.statement, message: "no probe with id \(missing): create it with sourceID(site:…) first")
    }
    return highest
  }

  /// The stored rows of the given (probe, seq) pairs, by batch index.
  private func storedAlready(_ rows: [StoredReading], indexes: [Int]) throws -> [Int: StoredReading] {
    let found = try connection.execute(
      """
      SELECT k.i, r.ts_ms, r.seq, r.source_id, r.temp_mc, r.rh_mpct, r.time_quality, r.defrost, r.door_open, r.error
      FROM unnest($1::integer[], $2::bigint[], $3::integer[]) AS k(source_id, seq, i)
      JOIN readings r ON r.source_id = k.source_id AND r.seq = k.seq
      """, [.intArray(rows.map(\.source)), .intArray(rows.map(\.seq)), .intArray(indexes)])
    var byIndex: [Int: StoredReading] = [:]
    for row in found.rows {
      byIndex[Int(try row.int64(0))] = StoredReading(
        ts: try row.int64(1), seq: try row.int64(2), source: Int32(try row.int64(3)),
        milliTemperature: try row.optionalInt64(4), milliHumidity: try row.optionalInt64(5),
        timeQuality: try row.optionalInt64(6), defrost: try row.optionalBool(7), doorOpen: try row.optionalBool(8),
        error: row.optionalString(9))
    }
    return byIndex
  }

  /// One INSERT of every row, from nine arrays; returns the keys the server stored (a conflict stores nothing).
  private func insert(_ rows: [StoredReading]) throws -> Set<ReadingKey> {
    guard !rows.isEmpty else { return [] }
    let returned = try connection.execute(
      """
      INSERT INTO readings (ts_ms, seq, source_id, temp_mc, rh_mpct, time_quality, defrost, door_open, error)
      SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::integer[], $5::integer[], $6::smallint[],
        $7::boolean[], $8::boolean[], $9::text[])
      ON CONFLICT DO NOTHING
      RETURNING source_id, seq, ts_ms
      """,
      [
        .intArray(rows.map(\.ts)), .intArray(rows.map(\.seq)), .intArray(rows.map(\.source)),
        .intArray(rows.map(\.milliTemperature)), .intArray(rows.map(\.milliHumidity)),
        .intArray(rows.map(\.timeQuality)), .boolArray(rows.map(\.defrost)), .boolArray(rows.map(\.doorOpen)),
        .textArray(rows.map(\.error)),
      ])
    var keys: Set<ReadingKey> = []
    for row in returned.rows {
      keys.insert(ReadingKey(source: Int32(try row.int64(0)), seq: try row.int64(1), ts: try row.int64(2)))
    }
    return keys
  }
}

struct SequenceKey: Hashable {
  var source: Int32
  var seq: Int64
}

struct ReadingKey: Hashable {
  var source: Int32
  var seq: Int64
  var ts: Int64
}

/// A reading as the table holds it: milli-°C and milli-%RH integers rounded to the nearest (as SQLite's
/// `StoredSample`), `seq` -1 without a number.
struct StoredReading: Equatable {
  var ts: Int64
  var seq: Int64
  var source: Int32
  var milliTemperature: Int64?
  var milliHumidity: Int64?
  var timeQuality: Int64?
  var defrost: Bool?
  var doorOpen: Bool?
  var error: String?

  init(_ reading: PostgresReading) {
    let sample = reading.sample
    ts = sample.ts.milliseconds
    seq = sample.seq ?? -1
    source = reading.source
    milliTemperature = sample.tempC.map { Int64(($0 * 1000).rounded()) }
    milliHumidity = sample.rhPct.map { Int64(($0 * 1000).rounded()) }
    timeQuality = sample.timeQuality?.storedCode
    defrost = sample.defrost
    doorOpen = sample.doorOpen
    error = sample.error
  }

  init(
    ts: Int64, seq: Int64, source: Int32, milliTemperature: Int64?, milliHumidity: Int64?, timeQuality: Int64?,
    defrost: Bool?, doorOpen: Bool?, error: String?
  ) {
    self.ts = ts
    self.seq = seq
    self.source = source
    self.milliTemperature = milliTemperature
    self.milliHumidity = milliHumidity
    self.timeQuality = timeQuality
    self.defrost = defrost
    self.doorOpen = doorOpen
    self.error = error
  }

  var key: ReadingKey { ReadingKey(source: source, seq: seq, ts: ts) }

  /// Whether `other` is the same sample: what the publisher says of its clock is no part of it (as in SQLite).
  func sameContent(as other: StoredReading) -> Bool {
    var mine = self
    var theirs = other
    mine.timeQuality = nil
    theirs.timeQuality = nil
    return mine == theirs
  }
}
