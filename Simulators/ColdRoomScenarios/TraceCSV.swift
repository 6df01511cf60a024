import ColdRoomSimulation
import ColdTraceCore

/// Formats a scenario's trace as CSV: the true state, then one column per probe (`crc` for a failed CRC, empty when
/// the probe is absent).
public enum TraceCSV {
  /// The header line for a scenario with these probes.
  public static func header(probes: [Probe]) -> String {
    let fixed = [
      "time", "air_c", "rh_pct", "product_c", "coil_c", "ambient_c", "compressor", "defrost", "door", "power",
    ]
    let probeColumns = probes.flatMap { probe in
      probe.measuresHumidity ? ["\(probe.id)_c", "\(probe.id)_rh"] : ["\(probe.id)_c"]
    }
    return (fixed + probeColumns).joined(separator: ",")
  }

  /// One line for the state and readings at a sample time.
  public static func line(_ snapshot: RoomSnapshot, _ outputs: [ProbeOutput], probes: [Probe]) -> String {
    var fields = [
      snapshot.time.rfc3339, format(snapshot.airC), format(snapshot.rhPct, digits: 1), format(snapshot.productC),
      format(snapshot.coilC), format(snapshot.ambientC), flag(snapshot.compressorOn), flag(snapshot.defrosting),
      flag(snapshot.doorOpen), flag(snapshot.powered),
    ]
    for (probe, output) in zip(probes, outputs) {
      switch output {
      case .reading(let tempC, let rhPct):
        fields.append(format(tempC, digits: 4))
        if probe.measuresHumidity { fields.append(rhPct.map { format($0, digits: 1) } ?? "") }
      case .crcFailure:
        fields.append("crc")
        if probe.measuresHumidity { fields.append("crc") }
      case .absent:
        fields.append("")
        if probe.measuresHumidity { fields.append("") }
      }
    }
    return fields.joined(separator: ",")
  }

  static func format(_ value: Double, digits: Int = 2) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
  }

  private static func flag(_ value: Bool) -> String { value ? "1" : "0" }
}
