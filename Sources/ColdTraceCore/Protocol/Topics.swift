/// Every MQTT topic and subscription filter (docs/protocol.md, "Topics"), built in one place.
///
/// Builders do not validate: pass ids that already passed `Identifier.validate` (configuration loading does that).
public enum Topics {
  /// The root of every ColdTrace topic.
  public static let root = "coldtrace/v1"

  /// The collector's subscription to every reading.
  public static let readingFilter = "coldtrace/v1/reading/+/+/+"
  /// Every agent's retained status (and the collector's own, under the reserved site `collector`).
  public static let statusFilter = "coldtrace/v1/status/+/+"
  /// Every alert event, for dashboards and bridges.
  public static let alertFilter = "coldtrace/v1/alert/+/+"
  /// Every site broker's link state (its bridge's notification topic).
  public static let bridgeFilter = "coldtrace/v1/bridge/+"

  /// `coldtrace/v1/bridge/<site>`: the site broker's bridge → anyone, retained `1` (connected) or `0` (its will).
  public static func bridge(site: String) -> String { "\(root)/bridge/\(site)" }

  /// `coldtrace/v1/reading/<site>/<room>/<sensor>`: agent → collector, one reading payload.
  public static func reading(_ key: SensorKey) -> String {
    "\(root)/reading/\(key.site)/\(key.room)/\(key.sensor)"
  }

  /// `coldtrace/v1/status/<site>/<agent>`: an agent's retained online/offline state (offline is its will).
  public static func status(site: String, agent: String) -> String { "\(root)/status/\(site)/\(agent)" }

  /// `coldtrace/v1/ack/<site>/<agent>`: collector → agent, committed per-sensor watermarks.
  public static func ack(site: String, agent: String) -> String { "\(root)/ack/\(site)/\(agent)" }

  /// `coldtrace/v1/alert/<site>/<room>`: collector → all, one alert event.
  public static func alert(site: String, room: String) -> String { "\(root)/alert/\(site)/\(room)" }

  /// `coldtrace/v1/limits/<site>/<room>`: collector → agents, a room's critical limits, retained (`LimitsMessage`).
  public static func limits(site: String, room: String) -> String { "\(root)/limits/\(site)/\(room)" }

  /// An agent's subscription to the limits of every room of its site.
  public static func limitsFilter(site: String) -> String { "\(root)/limits/\(site)/+" }

  /// `coldtrace/v1/status/collector/<id>`: the collector's retained online/offline state.
  public static func collectorStatus(id: String) -> String {
    "\(root)/status/\(Identifier.reservedSiteID)/\(id)"
  }
}
