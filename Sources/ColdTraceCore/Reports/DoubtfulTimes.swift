/// The readings of one probe whose time was not stamped by a synchronised clock (docs/alert-rules.md, "Reports"):
/// `corrected` ones were stamped again once the agent's clock synchronised (right to within milliseconds), `unsynced`
/// ones keep a time that may be off by any amount.
public struct DoubtfulTimes: Sendable, Equatable {
  public var corrected = 0
  public var unsynced = 0
  /// Time of the earliest and the latest of them (as stored).
  public var first: Timestamp
  public var last: Timestamp

  public init(corrected: Int = 0, unsynced: Int = 0, first: Timestamp, last: Timestamp) {
    self.corrected = corrected
    self.unsynced = unsynced
    self.first = first
    self.last = last
  }

  /// Per probe (`site/sensor`), what `series` marked; probes without any are left out.
  public static func count(_ series: [ProbeSeries]) -> [String: DoubtfulTimes] {
    var found: [String: DoubtfulTimes] = [:]
    for one in series {
      for (index, quality) in one.timeQualities {
        let time = Timestamp(milliseconds: one.times[index])
        var counts = found["\(one.site)/\(one.sensor)"] ?? DoubtfulTimes(first: time, last: time)
        counts.first = min(counts.first, time)
        counts.last = max(counts.last, time)
        switch quality {
        case .corrected: counts.corrected += 1
        case .unsynced: counts.unsynced += 1
        }
        found["\(one.site)/\(one.sensor)"] = counts
      }
    }
    return found
  }
}
