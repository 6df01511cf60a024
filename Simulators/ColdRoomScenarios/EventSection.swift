import ColdRoomSimulation
import ColdTraceConfig
import ColdTraceCore

/// An `[[event]]` table: when (`at_minutes` or `at_hours`), what (`kind`), and the kind's own keys.
///
/// Kinds: `door_open`, `power_cut`, `compressor_failure` (no duration: until the end), `defrost` (each with `minutes`
/// or `hours`), `load` (`mass_kg`, `temp_c`), `unload` (`mass_kg`), `setpoint` (`setpoint_c`), and `probe_fault`
/// (`probe`, `fault` = `stuck`, `drift` with `c_per_day`, `dropout`, `power_on_reset`, `crc_failures` with `share`,
/// `moved` with `placement`; plus a duration, else until the end).
enum EventSection {
  static let keys: Set<String> = [
    "at_minutes", "at_hours", "kind", "minutes", "hours", "mass_kg", "temp_c", "setpoint_c", "probe", "fault",
    "c_per_day", "share", "placement",
  ]

  static func parse(_ table: ConfigTable, probeIDs: Set<String>) throws(ConfigError) -> RoomEvent {
    try table.rejectUnknownKeys(allowed: keys)
    let at: Double
    if let minutes = try table.double("at_minutes", .nonNegative) {
      at = minutes * 60
    } else if let hours = try table.double("at_hours", .nonNegative) {
      at = hours * 3600
    } else {
      throw table.invalid("at_minutes", "(or `at_hours`) is required")
    }
    guard let kind = try table.string("kind") else { throw table.invalid("kind", "is required") }
    return RoomEvent(atSeconds: at, kind: try parseKind(kind, table, probeIDs: probeIDs))
  }

  private static func parseKind(_ kind: String, _ table: ConfigTable, probeIDs: Set<String>) throws(ConfigError)
    -> RoomEvent.Kind
  {
    switch kind {
    case "door_open": return .doorOpen(minutes: try duration(table, required: true))
    case "power_cut": return .powerCut(minutes: try duration(table, required: true))
    case "defrost": return .defrost(minutes: try duration(table, required: true))
    case "compressor_failure": return .compressorFailure(minutes: try duration(table, required: false))
    case "load":
      guard let mass = try table.double("mass_kg", .positive) else { throw table.invalid("mass_kg", "is required") }
      guard let temp = try table.double("temp_c") else { throw table.invalid("temp_c", "is required") }
      return .load(massKg: mass, tempC: temp)
    case "unload":
      guard let mass = try table.double("mass_kg", .positive) else { throw table.invalid("mass_kg", "is required") }
      return .unload(massKg: mass)
    case "setpoint":
      guard let value = try table.double("setpoint_c") else { throw table.invalid("setpoint_c", "is required") }
      return .setpoint(c: value)
    case "probe_fault":
      guard let probe = try table.string("probe") else { throw table.invalid("probe", "is required") }
      guard probeIDs.contains(probe) else {
        throw table.invalid(
          "probe", "names no [[probe]] of this scenario (known: \(probeIDs.sorted().joined(separator: ", ")))")
      }
      return .probeFault(probeID: probe, fault: try fault(table), minutes: try duration(table, required: false))
    default:
      throw table.invalid(
        "kind",
        "must be one of door_open, power_cut, compressor_failure, defrost, load, unload, setpoint, probe_fault "
          + "(got \(kind))")
    }
  }

  private static func duration(_ table: ConfigTable, required: Bool) throws(ConfigError) -> Double {
    if let minutes = try table.double("minutes", .positive) { return minutes }
    if let hours = try table.double("hours", .positive) { return hours * 60 }
    if required { throw table.invalid("minutes", "(or `hours`) is required") }
    return .infinity
  }

  private static func fault(_ table: ConfigTable) throws(ConfigError) -> ProbeFault {
    guard let name = try table.string("fault") else { throw table.invalid("fault", "is required") }
    switch name {
    case "stuck": return .stuck
    case "dropout": return .dropout
    case "power_on_reset": return .powerOnReset
    case "drift":
      guard let rate = try table.double("c_per_day") else { throw table.invalid("c_per_day", "is required") }
      return .drift(cPerDay: rate)
    case "crc_failures":
      let share = try table.requiredDouble("share", .positive(atMost: 1).saying("is required, within (0, 1]"))
      return .crcFailures(share: share)
    case "moved":
      guard let placement = try table.placement("placement") else {
        throw table.invalid("placement", "is required: one of \(Placement.names)")
      }
      return .moved(to: placement)
    default:
      throw table.invalid(
        "fault", "must be one of stuck, drift, dropout, power_on_reset, crc_failures, moved (got \(name))")
    }
  }
}
