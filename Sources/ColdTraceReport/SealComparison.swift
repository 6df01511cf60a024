import ColdTraceCore

/// Compares the seal a report file carries with the one recomputed from the database for the same lot and period (at
/// the claimed seal's version: a version 1 seal has no probe or span digest to compare).
public enum SealComparison {
  /// What differs, in words an operator can act on; empty when the data is unchanged.
  public static func differences(claimed: ReportSeal, recomputed: ReportSeal) -> [String] {
    var found: [String] = []
    if claimed.from != recomputed.from {
      found.append("the lot's start moved from \(claimed.from.rfc3339) to \(recomputed.from.rfc3339)")
    }
    if claimed.placementsSHA256 != recomputed.placementsSHA256 {
      found.append("the lot's product, market, room placements, its probes' calibrations or its imported legs changed")
    }
    if claimed.readings != recomputed.readings {
      found.append("the period now holds \(recomputed.readings) readings, the report covered \(claimed.readings)")
    } else if claimed.readingsSHA256 != recomputed.readingsSHA256 {
      found.append("a reading's time or value changed (same count, \(claimed.readings) readings)")
    }
    if claimed.version >= 2 {
      if claimed.probesSHA256 != recomputed.probesSHA256 {
        found.append("a probe's placement (air, product, simulant, evaporator, ambient) changed")
      }
      if claimed.spansSHA256 != recomputed.spansSHA256 {
        found.append("the rooms' defrost or door spans changed")
      }
    }
    if found.isEmpty && claimed.sha256 != recomputed.sha256 {
      found.append("the overall digest differs (the file's seal was edited)")
    }
    return found
  }
}
