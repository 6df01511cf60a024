/// A probe as a site knows it, wherever it hangs: sequence numbers, engine state and acknowledgements are per
/// (site, sensor id) and follow the probe from room to room. `SensorKey` adds the room a reading came from.
public struct ProbeKey: Hashable, Sendable {
  public var site: String
  public var sensor: String

  public init(site: String, sensor: String) {
    self.site = site
    self.sensor = sensor
  }
}
