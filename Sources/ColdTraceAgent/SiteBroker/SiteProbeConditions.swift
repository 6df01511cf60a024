import ColdTraceCore

/// What the `mqtt` driver knows of its probes beyond their samples, for the agent's status (`mqtt_probes`,
/// `SiteProbeReport`): each probe's source offline limit, its latest battery and link with its source's limits, and
/// whether its device announced itself offline on its availability topic (`SourceDevices`, as the collector keeps it
/// for a `[[source]]`). Pure: times come in with the messages.
///
/// The collector judges these reports (`battery_low`, `weak_signal`, `offline`); the agent only says when they are
/// worth a new status: a new probe, a value that crossed into another zone of its rule (`ProbeHealthRule.zones`), a
/// device going offline or coming back. A battery falling from 87 to 86 % is no new status.
struct SiteProbeConditions: Sendable {
  private struct Signature: Equatable {
    var offlineAfterMinutes: Double?
    var zones: [Int]
    var unavailableSince: Timestamp?
  }

  let site: String
  private(set) var rooms: [String: String] = [:]
  private var reports: [String: SiteProbeReport] = [:]
  private var devices = SourceDevices()
  private var published: [String: Signature] = [:]
  /// Something was noted since the last `takeIfChanged`.
  private var noted = false

  init(site: String) { self.site = site }

  /// A message of `source` named `sensor` in `room`, from `device`: the device is online.
  mutating func saw(_ sensor: String, room: String, source: SourceMapping, device: String, retained: Bool = false) {
    noted = true
    rooms[sensor] = room
    devices.saw(ProbeKey(site: site, sensor: sensor), device: device, retained: retained)
    var report = reports[sensor] ?? SiteProbeReport()
    report.offlineAfterMinutes = source.offlineAfterMinutes
    report.limits = source.health
    reports[sensor] = report
  }

  /// `health` of `sensor`, reported at `at`: each value replaces the one known before, the others stay.
  mutating func note(_ health: ProbeHealth, of sensor: String, at: Timestamp) {
    guard !health.isEmpty, var report = reports[sensor] else { return }
    noted = true
    report.health.batteryPct = health.batteryPct ?? report.health.batteryPct
    report.health.linkQuality = health.linkQuality ?? report.health.linkQuality
    report.health.rssiDBm = health.rssiDBm ?? report.health.rssiDBm
    report.healthAt = at
    reports[sensor] = report
  }

  mutating func announce(_ state: DeviceAvailability, device: String, at: Timestamp, graceSeconds: Double) {
    noted = true
    devices.announce(state, device: device, at: at, graceSeconds: graceSeconds)
  }

  /// Every probe's report, if one changed in a way the collector must see since the last call; else `nil`.
  mutating func takeIfChanged() -> [String: SiteProbeReport]? {
    guard noted else { return nil }
    noted = false
    var current: [String: SiteProbeReport] = [:]
    var signatures: [String: Signature] = [:]
    for (sensor, known) in reports {
      var report = known
      let offline = devices.announcedOffline(of: ProbeKey(site: site, sensor: sensor))
      report.unavailableSince = offline?.since
      report.graceMinutes = offline.map { $0.graceSeconds / 60 }
      current[sensor] = report
      signatures[sensor] = Signature(
        offlineAfterMinutes: report.offlineAfterMinutes, zones: report.limits.zones(report.health),
        unavailableSince: report.unavailableSince)
    }
    guard signatures != published else { return nil }
    published = signatures
    return current
  }
}
