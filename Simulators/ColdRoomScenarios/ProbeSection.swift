import ColdRoomSimulation
import ColdTraceConfig
import ColdTraceCore

/// A `[[probe]]` table: `id`, `kind` (`ds18b20`, `sht31` or `dht22`), `placement` (`air`, `product`, `evaporator`),
/// and optional `offset_c`, `lag_seconds`, `noise_c`.
enum ProbeSection {
  static func parse(_ table: ConfigTable) throws(ConfigError) -> Probe {
    try table.rejectUnknownKeys(allowed: ["id", "kind", "placement", "offset_c", "lag_seconds", "noise_c"])
    guard let id = try table.string("id"), !id.isEmpty else { throw table.invalid("id", "is required") }
    let placement = try table.placement("placement") ?? .air
    let kindName = try table.string("kind") ?? "ds18b20"
    guard let kind = ProbeKind(rawValue: kindName) else {
      throw table.invalid("kind", "must be one of ds18b20, sht31, dht22 (got \(kindName))")
    }
    var probe = Probe(id: id, kind: kind, placement: placement)
    probe.offsetC = try table.double("offset_c") ?? probe.offsetC
    probe.lagSeconds = try table.double("lag_seconds", .nonNegative) ?? probe.lagSeconds
    probe.noiseC = try table.double("noise_c", .nonNegative) ?? probe.noiseC
    return probe
  }
}
