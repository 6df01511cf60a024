import ColdRoomSimulation
import ColdTraceConfig

/// The `[room]`, `[product]`, `[defrost]` and `[ambient]` tables of a scenario file.
enum RoomSection {
  static func apply(_ table: ConfigTable, to configuration: inout ColdRoom.Configuration) throws(ConfigError) {
    try table.rejectUnknownKeys(allowed: [
      "volume_m3", "air_side_heat_capacity_j_per_k", "wall_ua_w_per_k", "infiltration_kg_per_s",
      "door_exchange_kg_per_s", "setpoint_c", "dead_band_c", "compressor_w", "coil_ua_w_per_k", "coil_contact_kg_per_s",
      "minimum_off_seconds", "fan_w", "initial_air_c", "initial_rh_pct", "step_seconds",
    ])
    var envelope = configuration.envelope
    envelope.volumeM3 = try table.positive("volume_m3") ?? envelope.volumeM3
    envelope.airSideHeatCapacity = try table.positive("air_side_heat_capacity_j_per_k") ?? envelope.airSideHeatCapacity
    envelope.wallUAWPerK = try table.nonNegative("wall_ua_w_per_k") ?? envelope.wallUAWPerK
    envelope.infiltrationKgPerS = try table.nonNegative("infiltration_kg_per_s") ?? envelope.infiltrationKgPerS
    envelope.doorExchangeKgPerS = try table.nonNegative("door_exchange_kg_per_s") ?? envelope.doorExchangeKgPerS
    configuration.envelope = envelope
    var unit = configuration.compressor
    unit.setpointC = try table.double("setpoint_c") ?? unit.setpointC
    unit.deadBandC = try table.positive("dead_band_c") ?? unit.deadBandC
    unit.capacityW = try table.nonNegative("compressor_w") ?? unit.capacityW
    unit.coilUAWPerK = try table.positive("coil_ua_w_per_k") ?? unit.coilUAWPerK
    unit.coilContactKgPerS = try table.nonNegative("coil_contact_kg_per_s") ?? unit.coilContactKgPerS
    unit.minimumOffSeconds = try table.nonNegative("minimum_off_seconds") ?? unit.minimumOffSeconds
    unit.fanW = try table.nonNegative("fan_w") ?? unit.fanW
    configuration.compressor = unit
    configuration.initialAirC = try table.double("initial_air_c") ?? configuration.initialAirC
    if let rh = try table.double("initial_rh_pct") {
      guard (0...100).contains(rh) else { throw table.invalid("initial_rh_pct", "must be within 0–100") }
      configuration.initialRHPct = rh
    }
    if let step = try table.positive("step_seconds") {
      guard step <= 60 else { throw table.invalid("step_seconds", "must be at most 60 (the integration is explicit)") }
      configuration.stepSeconds = step
    }
  }

  static func applyProduct(_ table: ConfigTable, to configuration: inout ColdRoom.Configuration) throws(ConfigError) {
    try table.rejectUnknownKeys(allowed: [
      "kind", "mass_kg", "initial_c", "specific_heat_j_per_kg_k", "conductance_w_per_kg_k",
      "respiration_w_per_kg_at_5c", "respiration_q10", "transpiration_per_pa",
    ])
    var product = configuration.product
    product.massKg = try table.nonNegative("mass_kg") ?? product.massKg
    product.specificHeat = try table.positive("specific_heat_j_per_kg_k") ?? product.specificHeat
    product.conductancePerKg = try table.positive("conductance_w_per_kg_k") ?? product.conductancePerKg
    product.respirationWPerKgAt5C = try table.nonNegative("respiration_w_per_kg_at_5c") ?? product.respirationWPerKgAt5C
    product.respirationQ10 = try table.positive("respiration_q10") ?? product.respirationQ10
    product.transpirationPerPa = try table.nonNegative("transpiration_per_pa") ?? product.transpirationPerPa
    configuration.product = product
    configuration.initialProductC = try table.double("initial_c") ?? configuration.initialProductC
    _ = try table.string("kind")
  }

  static func applyDefrost(_ table: ConfigTable, to configuration: inout ColdRoom.Configuration) throws(ConfigError) {
    try table.rejectUnknownKeys(allowed: [
      "per_day", "minutes", "first_local_hour", "heater_w", "share_to_air", "reevaporated_share",
    ])
    var defrost = configuration.defrost
    if let perDay = try table.int("per_day") {
      guard (0...12).contains(perDay) else { throw table.invalid("per_day", "must be within 0–12") }
      defrost.perDay = perDay
    }
    defrost.minutes = try table.positive("minutes") ?? defrost.minutes
    defrost.firstLocalHour = try table.nonNegative("first_local_hour") ?? defrost.firstLocalHour
    defrost.heaterW = try table.nonNegative("heater_w") ?? defrost.heaterW
    defrost.shareToAir = try table.nonNegative("share_to_air") ?? defrost.shareToAir
    defrost.reevaporatedShare = try table.nonNegative("reevaporated_share") ?? defrost.reevaporatedShare
    configuration.defrost = defrost
  }

  static func applyAmbient(_ table: ConfigTable, to configuration: inout ColdRoom.Configuration) throws(ConfigError) {
    try table.rejectUnknownKeys(allowed: [
      "mean_c", "swing_c", "mean_rh_pct", "swing_rh_pct", "peak_local_hour", "utc_offset_hours",
    ])
    var ambient = configuration.ambient
    ambient.meanC = try table.double("mean_c") ?? ambient.meanC
    ambient.swingC = try table.nonNegative("swing_c") ?? ambient.swingC
    ambient.meanRHPct = try table.nonNegative("mean_rh_pct") ?? ambient.meanRHPct
    ambient.swingRHPct = try table.nonNegative("swing_rh_pct") ?? ambient.swingRHPct
    ambient.peakLocalHour = try table.nonNegative("peak_local_hour") ?? ambient.peakLocalHour
    ambient.utcOffsetHours = try table.double("utc_offset_hours") ?? ambient.utcOffsetHours
    configuration.ambient = ambient
  }
}
