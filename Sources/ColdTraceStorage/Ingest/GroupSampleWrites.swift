import ColdTraceCore

/// A probe's row in `sources` as last written: its id, and the room and agent stored with it.
public struct SourceRow: Sendable, Equatable {
  public var id: Int64
  public var room: String
  public var agent: String?

  public init(id: Int64, room: String, agent: String?) {
    self.id = id
    self.room = room
    self.agent = agent
  }
}

extension WriteTransaction {
  /// The source row for a reading of `key` from `agent`: `known` (as last written) while the room and agent are the
  /// same, so a group looks a probe up only on first sight or when it moves; otherwise written (created, or its room
  /// and agent updated to follow the latest message; a new room is a move from `from`, the message's earliest time).
  public func source(for key: SensorKey, agent: String?, known: SourceRow?, from: Timestamp? = nil) throws
    -> SourceRow
  {
    if let known, known.room == key.room, agent == nil || agent == known.agent { return known }
    let id = try sourceID(for: key, agent: agent, from: from)
    return SourceRow(id: id, room: key.room, agent: agent ?? known?.agent)
  }

  /// Stores `samples` of `source` and returns those that were new, as stored. Numbered samples above the highest
  /// number stored (`highest`, read on first need and kept up to date by the caller across the group) go to
  /// `newSamples`, several rows a statement (`group` is the caller's number for the source), and so do unnumbered
  /// samples (a `[[source]]`'s) later than every unnumbered reading stored of the source (`latest`, kept the same way
  /// by the unnumbered path only: numbered rows never collide with them, their key holds their `seq`): a row without
  /// `seq` is stored once by its time, so one later than all cannot be stored already. Anything else is
  /// checked row by row (`insertNew`), numbered ones after `checkSequenceReuse`: throws `SequenceReused` for a number
  /// stored with other content.
  public func storeSamples(
    _ samples: [Sample], source: Int64, group: Int, highest: inout Int64?, latest: inout Int64?,
    newSamples: NewSampleWriter
  ) throws -> [Sample] {
    guard let first = samples.first?.seq, let last = samples.last?.seq, Self.numberedInOrder(samples) else {
      return try storeUnnumbered(samples, source: source, group: group, latest: &latest, newSamples: newSamples)
    }
    let stored = try highest ?? newSamples.highestSequence(source: source)
    // Numbered in increasing order: the first above `stored` means all are.
    if first > stored {
      highest = last
      return try newSamples.store(samples, source: source, group: group)
    }
    try newSamples.flush()
    // A number at or below the highest may be a re-send (silent) or a number used again for another sample (refused).
    try checkSequenceReuse(samples, source: source, below: stored)
    let fresh = try newSamples.insertEach(samples, source: source)
    highest = max(stored, fresh.last?.seq ?? stored)
    return fresh
  }

  /// Samples that are not all numbered in order: through `newSamples` when none has a `seq` and their times
  /// increase past `latest`, else row by row. `latest` bounds the times stored of the source: read on first need
  /// (the latest of any of its rows, numbered or not), then raised to every time tried here, new or found stored.
  private func storeUnnumbered(
    _ samples: [Sample], source: Int64, group: Int, latest: inout Int64?, newSamples: NewSampleWriter
  ) throws -> [Sample] {
    guard let newest = Self.unnumberedInOrder(samples) else {
      try newSamples.flush()
      let fresh = try newSamples.insertEach(samples, source: source)
      // Read already: it must still bound what is stored. Not read yet: the read will see these rows.
      if let known = latest, let tried = samples.lazy.map(\.ts.milliseconds).max() { latest = max(known, tried) }
      return fresh
    }
    let stored = try latest ?? newSamples.latestTime(source: source)
    latest = max(stored, newest)
    if let first = samples.first, first.ts.milliseconds > stored {
      return try newSamples.store(samples, source: source, group: group)
    }
    try newSamples.flush()
    return try newSamples.insertEach(samples, source: source)
  }

  /// The latest time of `samples` if none has a `seq` and their times strictly increase, else `nil`.
  private static func unnumberedInOrder(_ samples: [Sample]) -> Int64? {
    var previous = Int64.min
    for sample in samples {
      guard sample.seq == nil, sample.ts.milliseconds > previous else { return nil }
      previous = sample.ts.milliseconds
    }
    return samples.isEmpty ? nil : previous
  }

  /// Whether every sample has a `seq` and they strictly increase: what the decoder guarantees of a payload, checked
  /// again because a `DecodedReading` can be made by hand.
  private static func numberedInOrder(_ samples: [Sample]) -> Bool {
    var previous = Int64.min
    for sample in samples {
      guard let seq = sample.seq, seq > previous else { return false }
      previous = seq
    }
    return true
  }
}
