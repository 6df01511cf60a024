import ColdTraceCollector
import ColdTraceCore
import ColdTraceStorage

extension SQLiteStore {
  /// Every known probe's placement as the collector judges it: the config's `[placements]` over what the agents
  /// announced; a probe in neither is in the air.
  func placements(overriddenBy settings: CollectorConfigFile) throws -> [ProbeKey: Placement] {
    try announcedPlacements().merging(settings.placements) { _, override in override }
  }
}
