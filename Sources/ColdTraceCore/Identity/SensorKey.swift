/// One probe's place in the world: the site it belongs to, the room it hangs in, its id within the site.
public struct SensorKey: Hashable, Sendable, Codable, CustomStringConvertible {
  public var site: String
  public var room: String
  public var sensor: String

  public init(site: String, room: String, sensor: String) {
    self.site = site
    self.room = room
    self.sensor = sensor
  }

  public var description: String { "\(site)/\(room)/\(sensor)" }
}
