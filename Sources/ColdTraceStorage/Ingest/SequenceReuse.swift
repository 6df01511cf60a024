import ColdTraceCore
import GRDB

/// A numbered sample whose (site, sensor, `seq`) is stored already with another `ts` or other values: its publisher
/// numbered again from below without announcing a new install (`inc`). Not a re-send, so not a silent duplicate: the
/// whole payload goes to quarantine with reason `seq_reused` (docs/protocol.md, "Storing once").
public struct SequenceReused: Error, CustomStringConvertible, Sendable {
  public let seq: Int64
  public let description: String

  public init(seq: Int64, description: String) {
    self.seq = seq
    self.description = description
  }
}

extension WriteTransaction {
  /// Throws `SequenceReused` for the first of `samples` (numbered, of `source`) whose number is stored with other
  /// content; samples not stored yet, and true re-sends (same `ts`, same values at the stored resolution), pass.
  ///
  /// Called only for samples at or below the highest number stored (the fast path's samples above it cannot
  /// collide): one lookup by the `(source_id, seq)` index each, on the path that already writes row by row.
  func checkSequenceReuse(_ samples: [Sample], source: Int64, below highest: Int64) throws {
    let statement = try db.cachedStatement(
      sql: "SELECT \(StoredSample.columns()) FROM readings WHERE source_id = ? AND seq = ? AND seq >= 0")
    for sample in samples {
      guard let seq = sample.seq, seq <= highest,
        let row = try Row.fetchOne(statement, arguments: [source, seq])
      else { continue }
      var stored = StoredSample.sample(row, at: 0)
      var incoming = ReadingRow(sample, source: source).storedSample(of: sample)
      // What the publisher says of its clock is no part of the sample's identity.
      stored.timeQuality = nil
      incoming.timeQuality = nil
      guard stored != incoming else { continue }
      throw SequenceReused(
        seq: seq,
        description: "seq \(seq) is stored already with ts \(stored.ts.rfc3339)\(Self.values(stored)); this payload "
          + "has ts \(incoming.ts.rfc3339)\(Self.values(incoming)): the publisher numbers again from below without a "
          + "new inc")
    }
  }

  private static func values(_ sample: Sample) -> String {
    var text = ""
    if let tempC = sample.tempC { text += ", \(JSONText.number(tempC)) °C" }
    if let rhPct = sample.rhPct { text += ", \(JSONText.number(rhPct)) %RH" }
    if let error = sample.error { text += ", error \(String(error.prefix(40)).debugDescription)" }
    return text
  }
}
