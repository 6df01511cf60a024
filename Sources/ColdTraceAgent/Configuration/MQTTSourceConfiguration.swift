import ColdTraceConfig
import ColdTraceCore
import ColdTraceMQTT

/// One `[[mqtt_source]]` table of the agent config: the `mqtt` driver. The agent subscribes to the site's own broker
/// (`broker`, where Zigbee2MQTT, Tasmota, ESPHome or Shelly publish on the LAN) and maps its messages with the
/// collector's `[[source]]` schema (the same keys and presets, `SourceConfig`; the site is the agent's). Each mapped
/// message becomes an outbox record with its probe's next `seq`, like a wired probe's sample.
public struct MQTTSourceConfiguration: Sendable {
  public var broker: BrokerAddress
  public var mapping: SourceMapping

  public init(broker: BrokerAddress, mapping: SourceMapping) {
    self.broker = broker
    self.mapping = mapping
  }

  /// The keys the agent reads itself; every other key is the `[[source]]` schema's.
  static let ownKeys: Set<String> = ["broker"]

  static func load(_ table: ConfigTable, site: String) throws(ConfigError) -> MQTTSourceConfiguration {
    let mapping = try SourceConfig.loadOne(table, site: site, extraKeys: ownKeys)
    guard let url = try table.string("broker") else {
      throw table.invalid("broker", "is required: the site's own broker, e.g. \"mqtt://192.168.1.10\"")
    }
    let broker: BrokerAddress
    do {
      broker = try BrokerAddress(url: url)
    } catch {
      throw table.invalid("broker", "is not usable: \(error)")
    }
    guard url.hasPrefix("mqtt://") else {
      throw table.invalid("broker", "must be mqtt:// (a broker on the site's LAN); mqtts:// is not supported here yet")
    }
    return MQTTSourceConfiguration(broker: broker, mapping: mapping)
  }

  /// Every `[[mqtt_source]]` table, their ids distinct from each other.
  static func loadAll(_ config: ConfigTable, site: String) throws(ConfigError) -> [MQTTSourceConfiguration] {
    var sources: [MQTTSourceConfiguration] = []
    for table in try config.tables("mqtt_source") {
      let source = try load(table, site: site)
      if sources.contains(where: { $0.mapping.name == source.mapping.name }) {
        throw table.invalid("id", "\"\(source.mapping.name)\" names another [[mqtt_source]] too")
      }
      sources.append(source)
    }
    return sources
  }
}
