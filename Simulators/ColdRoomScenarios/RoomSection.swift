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
    envelope.volumeM3 = try table.double("volume_m3", .positive) ?? envelope.volumeM3
    envelope.airSideHeatCapacity =
      try table.double("air_side_heat_capacity_j_per_k", .positive) ?? envelope.airSideHeatCapacity
    envelope.wallUAWPerK = try table.double("wall_ua_w_per_k", .nonNegative) ?? envelope.wallUAWPerK
    envelope.infiltrationKgPerS = try table.double("infiltration_kg_per_s", .nonNegative) ?? envelope.infiltrationKgPerS
    envelope.doorExchangeKgPerS =
      try table.double("door_exchange_kg_per_s", .nonNegative) ?? envelope.doorExchangeKgPerS
    configuration.envelope = envelope
    var unit = configuration.compressor
    unit.setpointC = try table.double("setpoint_c") ?? unit.setpointC
    unit.deadBandC = try table.double("dead_band_c", .positive) ?? unit.deadBandC
    unit.capacityW = try table.double("compressor_w", .nonNegative) ?? unit.capacityW
    unit.coilUAWPerK = try table.double("coil_ua_w_per_k", .positive) ?? unit.coilUAWPerK
    unit.coilContactKgPerS = try table.double("coil_contact_kg_per_s", .nonNegative) ?? unit.coilContactKgPerS
    unit.minimumOffSeconds = try table.double("minimum_off_seconds", .nonNegative) ?? unit.minimumOffSeconds
    unit.fanW = try table.double("fan_w", .nonNegative) ?? unit.fanW
    configuration.compressor = unit
    configuration.initialAirC = try table.double("initial_air_c") ?? configuration.initialAirC
    configuration.initialRHPct = try table.double(
      "initial_rh_pct", .within(0...100).saying("must be within 0–100"), default: configuration.initialRHPct)
    configuration.stepSeconds = try table.double(
      "step_seconds", .positive(atMost: 60, "the integration is explicit"), default: configuration.stepSeconds)
  }

  static func applyProduct(_ table: ConfigTable, to configuration: inout ColdRoom.Configuration) throws(ConfigError) {
    try table.rejectUnknownKeys(allowed: [
      "kind", "mass_kg", "initial_c", "specific_heat_j_per_kg_k", "conductance_w_per_kg_k",
      "respiration_w_per_kg_at_5c", "respiration_q10", "transpiration_per_pa",
    ])
    var product = configuration.product
    product.massKg = try table.double("mass_kg", .nonNegative) ?? product.massKg
    product.specificHeat = try table.double("specific_heat_j_per_kg_k", .positive) ?? product.specificHeat
    product.conductancePerKg = try table.double("conductance_w_per_kg_k", .positive) ?? product.conductancePerKg
    product.respirationWPerKgAt5C =
      try table.double("respiration_w_per_kg_at_5c", .nonNegative) ?? product.respirationWPerKgAt5C
    product.respirationQ10 = try table.double("respiration_q10", .positive) ?? product.respirationQ10
    product.transpirationPerPa = try table.double("transpiration_per_pa", .nonNegative) ?? product.transpirationPerPa
    configuration.product = product
    configuration.initialProductC = try table.double("initial_c") ?? configuration.initialProductC
    _ = try table.string("kind")
  }

  static func applyDefrost(_ table: ConfigTable, to configuration: inout ColdRoom.Configuration) throws(ConfigError) {
    try table.rejectUnknownKeys(allowed: [
      "per_day", "minutes", "first_local_hour", "heater_w", "share_to_air", "reevaporated_share",
    ])
    var defrost = configuration.defrost
    defrost.perDay = try table.int("per_day", .within(0...12).saying("must be within 0–12"), default: defrost.perDay)
    defrost.minutes = try table.double("minutes", .positive) ?? defrost.minutes
    defrost.firstLocalHour = try table.double("first_local_hour", .nonNegative) ?? defrost.firstLocalHour
    defrost.heaterW = try table.double("heater_w", .nonNegative) ?? defrost.heaterW
    defrost.shareToAir = try table.double("share_to_air", .nonNegative) ?? defrost.shareToAir
    defrost.reevaporatedShare = try table.double("reevaporated_share", .nonNegative) ?? defrost.reevaporatedShare
    configuration.defrost = defrost
  }

  static func applyAmbient(_ table: ConfigTable, to configuration: inout ColdRoom.Configuration) throws(ConfigError) {
    try table.rejectUnknownKeys(allowed: [
      "mean_c", "swing_c", "mean_rh_pct", "swing_rh_pct", "peak_local_hour", "utc_offset_hours",
    ])
    var ambient = configuration.ambient
    ambient.meanC = try table.double("mean_c") ?? ambient.meanC
    ambient.swingC = try table.double("swing_c", .nonNegative) ?? ambient.swingC
    ambient.meanRHPct = try table.double("mean_rh_pct", .nonNegative) ?? ambient.meanRHPct
    ambient.swingRHPct = try table.double("swing_rh_pct", .nonNegative) ?? ambient.swingRHPct
    ambient.peakLocalHour = try table.double("peak_local_hour", .nonNegative) ?? ambient.peakLocalHour
    ambient.utcOffsetHours = try table.double("utc_offset_hours") ?? ambient.utcOffsetHours
    configuration.ambient = ambient
  }
}
