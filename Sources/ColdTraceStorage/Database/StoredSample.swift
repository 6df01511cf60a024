import ColdTraceCore
import GRDB

/// A sample as the `readings` table holds it (`CompactReadings`): the sequence number or -1, and temperature and
/// humidity as integers in milli-°C and milli-%RH, rounded to the nearest (half away from zero, like SQLite's
/// `round`). Every real sensor delivers milli units (docs/operations.md, "Sensor file formats"), so nothing a probe
/// measured is lost; a value with more decimals (a calibrated one) keeps three. Conversion happens here only, at the
/// storage boundary.
struct StoredSample {
  /// The `seq` of a reading without a sequence number (third-party sources); real numbers are 0...2^53 − 1.
  static let noSequence: Int64 = -1

  var seq: Int64
  var milliTemperature: Int64?
  var milliHumidity: Int64?

  init(_ sample: Sample) {
    seq = sample.seq ?? Self.noSequence
    milliTemperature = Self.milli(sample.tempC)
    milliHumidity = Self.milli(sample.rhPct)
  }

  static func milli(_ value: Double?) -> Int64? {
    value.map { Int64(($0 * 1000).rounded()) }
  }

  /// A stored milli value in whole units: the Double nearest to `milli` / 1000, so 3420 reads back as the very
  /// number `3.42` a payload would have decoded to.
  static func value(_ milli: Int64?) -> Double? {
    milli.map { Double($0) / 1000 }
  }

  static func sequence(_ stored: Int64) -> Int64? {
    stored == noSequence ? nil : stored
  }

  /// The columns `sample(_:at:)` reads, in its order, each prefixed with `alias` and a dot when given.
  static func columns(alias: String? = nil) -> String {
    let prefix = alias.map { "\($0)." } ?? ""
    return ["seq", "ts_ms", "temp_mc", "rh_mpct", "error", "defrost", "door_open", "time_quality"].map { prefix + $0 }
      .joined(separator: ", ")
  }

  /// A sample from a row holding `columns()` from position `first` on, SQLite's or PostgreSQL's (`QueryRow`).
  static func sample<Fields: QueryRow>(fields row: Fields, at first: Int) throws -> Sample {
    Sample(
      seq: sequence(try row.int64(first)), ts: Timestamp(milliseconds: try row.int64(first + 1)),
      tempC: value(try row.optionalInt64(first + 2)), rhPct: value(try row.optionalInt64(first + 3)),
      error: row.optionalString(first + 4), defrost: try row.optionalBool(first + 5),
      doorOpen: try row.optionalBool(first + 6), timeQuality: TimeQuality(storedCode: try row.optionalInt64(first + 7)))
  }

  /// `sample(fields:at:)` of a GRDB row, whose reads never throw (a NULL in a required column traps in GRDB itself).
  static func sample(_ row: Row, at first: Int) -> Sample {
    do {
      return try sample(fields: row, at: first)
    } catch {
      preconditionFailure("a GRDB row read threw: \(error)")
    }
  }
}
