import ColdRoomSimulation
import ColdTraceSystem

/// A `[[probe]]` table: `id`, `kind` (`ds18b20`, `sht31` or `dht22`), `placement` (`air`, `product`, `evaporator`),
/// and optional `offset_c`, `lag_seconds`, `noise_c`.
enum ProbeSection {
  static func parse(_ table: ConfigTable) throws(ConfigError) -> Probe {
    try table.rejectUnknownKeys(allowed: ["id", "kind", "placement", "offset_c", "lag_seconds", "noise_c"])
    guard let id = try table.string("id"), !id.isEmpty else { throw table.invalid("id", "is required") }
    var placement = ProbePlacement.air
    if let text = try table.string("placement") {
      guard let parsed = ProbePlacement(rawValue: text) else {
        throw table.invalid("placement", "must be one of air, product, evaporator (got \(text))")
      }
      placement = parsed
    }
    var probe: Probe
    switch try table.string("kind") ?? "ds18b20" {
    case "ds18b20":
      probe = Probe(id: id, placement: placement)
    case "sht31":
      probe = Probe(id: id, placement: placement, measuresHumidity: true)
      probe.resolutionC = 0.01
      probe.noiseC = 0.03
      probe.lagSeconds = 30
    case "dht22":
      probe = Probe(id: id, placement: placement, measuresHumidity: true)
      probe.resolutionC = 0.1
      probe.noiseC = 0.1
      probe.noiseRHPct = 1
      probe.lagSeconds = 40
    case let other:
      throw table.invalid("kind", "must be one of ds18b20, sht31, dht22 (got \(other))")
    }
    probe.offsetC = try table.double("offset_c") ?? probe.offsetC
    probe.lagSeconds = try table.nonNegative("lag_seconds") ?? probe.lagSeconds
    probe.noiseC = try table.nonNegative("noise_c") ?? probe.noiseC
    return probe
  }
}
