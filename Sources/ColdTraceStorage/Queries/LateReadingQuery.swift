import ColdTraceCore
import GRDB

extension WriteTransaction {
  /// Records that `samples` of `source`, just stored, arrived after a newer reading of the same probe had been judged
  /// (the live rules passed over them).
  public func recordLate(_ samples: [Sample], source: Int64) throws {
    let insert = try db.cachedStatement(
      sql: "INSERT OR IGNORE INTO late_readings (source_id, ts_ms, seq) VALUES (?, ?, ?)")
    for sample in samples {
      try insert.execute(arguments: [source, sample.ts.milliseconds, StoredSample(sample).seq])
    }
  }
}

/// Reads `late_readings` for the lot report.
enum LateReadingRows {
  /// The late readings of the probe `site/sensor` from `from` (inclusive) to `to` (exclusive), or `nil` for none.
  static func fetch(_ db: Database, site: String, sensor: String, from: Int64, to: Int64) throws -> LateReadings? {
    let row = try Row.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT COUNT(*), MIN(l.ts_ms), MAX(l.ts_ms) FROM late_readings l JOIN sources s ON s.id = l.source_id
          WHERE s.site = ? AND s.sensor = ? AND l.ts_ms >= ? AND l.ts_ms < ?
          """),
      arguments: [site, sensor, from, to])
    guard let row, let count: Int = row[0], count > 0, let first: Int64 = row[1], let last: Int64 = row[2] else {
      return nil
    }
    return LateReadings(count: count, first: Timestamp(milliseconds: first), last: Timestamp(milliseconds: last))
  }

  /// The late readings of every probe of `series`, by `site/sensor`, over each one's span (stays of one probe add up).
  static func fetch(_ db: Database, series: [ProbeSeries]) throws -> [String: LateReadings] {
    var found: [String: LateReadings] = [:]
    for one in series {
      guard
        let late = try fetch(
          db, site: one.site, sensor: one.sensor, from: one.fromMilliseconds, to: one.toMilliseconds)
      else { continue }
      let probe = "\(one.site)/\(one.sensor)"
      if let known = found[probe] {
        found[probe] = LateReadings(
          count: known.count + late.count, first: min(known.first, late.first), last: max(known.last, late.last))
      } else {
        found[probe] = late
      }
    }
    return found
  }
}
