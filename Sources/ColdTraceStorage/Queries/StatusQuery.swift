import ColdTraceCore
import Foundation
import GRDB

/// One probe at a glance: its latest sample, its recent readings, and the alerts open on it.
public struct SensorStatus: Sendable, Equatable {
  public var key: SensorKey
  public var agent: String?
  public var latest: Sample?
  /// Readings with a `ts` in the day before `now` (bounded: counting a probe's whole history is too slow on a
  /// large database).
  public var readingsLastDay: Int
  /// The probe's temperature readings of the trend window before its latest reading, oldest first.
  public var recentTemperatures: [(ts: Timestamp, tempC: Double)]
  public var openAlerts: [AlertRecord]
  /// The calibration in force (`nil`: none on record).
  public var calibration: ProbeCalibration? = nil

  public static func == (lhs: SensorStatus, rhs: SensorStatus) -> Bool {
    lhs.key == rhs.key && lhs.agent == rhs.agent && lhs.latest == rhs.latest && lhs.calibration == rhs.calibration
      && lhs.readingsLastDay == rhs.readingsLastDay && lhs.openAlerts == rhs.openAlerts
      && lhs.recentTemperatures.elementsEqual(rhs.recentTemperatures) { $0.ts == $1.ts && $0.tempC == $1.tempC }
  }
}

/// A lot in a room now, as `coldtrace status` lists it.
public struct LotPresence: Sendable, Equatable {
  public var lot: String
  public var product: String
  public var market: String?
}

/// The facility at a glance: every probe, and the open lots of every room that has a probe or a lot.
public struct FacilityStatus: Sendable, Equatable {
  public var sensors: [SensorStatus]
  /// "site/room" → the open lots placed there now, in placement order.
  public var lotsByRoom: [String: [LotPresence]]
  /// "site/room" → the open alerts about a lot rather than a probe (`budget`, `treatment`), and the room's alerts for
  /// probes crossing together (sensor `*`), oldest first.
  public var lotAlertsByRoom: [String: [AlertRecord]] = [:]
  /// The open alerts that belong to a whole site rather than a room (room `-`: `agent_offline`, `clock_skew`,
  /// `site_limit`, `uplink_down`, many probes offline at once, probes of several rooms crossing together), oldest
  /// first.
  public var siteAlerts: [AlertRecord] = []

  public func lots(site: String, room: String) -> [LotPresence] { lotsByRoom["\(site)/\(room)"] ?? [] }
  public func lotAlerts(site: String, room: String) -> [AlertRecord] { lotAlertsByRoom["\(site)/\(room)"] ?? [] }
}

extension SQLiteStore {
  /// The facility at `now` (`StatusListing.facilityStatus`).
  public func facilityStatus(now: Timestamp, trendWindowSeconds: Double = 3600) throws -> FacilityStatus {
    try read { db in try StatusListing.facilityStatus(now: now, trendWindowSeconds: trendWindowSeconds, on: db) }
  }

  /// The alert engine's saved state for every probe, to resume exactly where the collector stopped.
  public func engineStates() throws -> [ProbeKey: SensorRuleState] {
    try read { db in
      var states: [ProbeKey: SensorRuleState] = [:]
      let decoder = JSONDecoder()
      for row in try Row.fetchAll(
        db,
        sql: "SELECT s.site, s.sensor, e.state FROM engine_state e JOIN sources s ON s.id = e.source_id")
      {
        let key = ProbeKey(site: row["site"], sensor: row["sensor"])
        let blob: Data = row["state"]
        // The binary form since it was introduced; JSON from collectors before it.
        states[key] = try SensorRuleState(binary: blob) ?? decoder.decode(SensorRuleState.self, from: blob)
      }
      return states
    }
  }
}
