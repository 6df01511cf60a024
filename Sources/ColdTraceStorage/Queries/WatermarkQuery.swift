import ColdTraceCore
import GRDB

extension SQLiteStore {
  /// Every probe's acknowledgement watermark and the stored numbers above it, to resume after a restart.
  public func watermarkTrackers() throws -> [ProbeKey: WatermarkTracker] {
    try read { db in
      var trackers: [ProbeKey: WatermarkTracker] = [:]
      let pendingStatement = try db.cachedStatement(
        sql: "SELECT seq FROM readings WHERE source_id = ? AND seq >= 0 AND seq > ? ORDER BY seq")
      for row in try Row.fetchAll(db, sql: "SELECT id, site, sensor, acked_seq FROM sources") {
        let watermark: Int64 = row["acked_seq"]
        let pending = try Int64.fetchAll(pendingStatement, arguments: [row["id"] as Int64, watermark])
        trackers[ProbeKey(site: row["site"], sensor: row["sensor"])] = WatermarkTracker(
          watermark: watermark, pending: Set(pending))
      }
      return trackers
    }
  }
}
