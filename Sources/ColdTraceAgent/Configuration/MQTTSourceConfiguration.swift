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
  /// For an `mqtts://` site broker: the `[mqtt_source.tls]` table (`ca_file`, `cert_file`, `key_file`, as the
  /// uplink's `[tls]`); without it, the system's CA directory.
  public var tls: ClientOptions.TLS?

  public init(broker: BrokerAddress, mapping: SourceMapping, tls: ClientOptions.TLS? = nil) {
    self.broker = broker
    self.mapping = mapping
    self.tls = tls
  }

  /// The keys the agent reads itself; every other key is the `[[source]]` schema's.
  static let ownKeys: Set<String> = ["broker", "tls"]

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
    var tls = try table.tlsOptions()
    if broker.usesTLS {
      tls = tls ?? ClientOptions.TLS()
    } else if tls != nil {
      throw table.invalid("tls", "applies only to an mqtts:// broker")
    }
    return MQTTSourceConfiguration(broker: broker, mapping: mapping, tls: tls)
  }

  /// Every `[[mqtt_source]]` table, their ids distinct from each other.
  static func loadAll(_ config: ConfigTable, site: String) throws(ConfigError) -> [MQTTSourceConfiguration] {
    var sources: [MQTTSourceConfiguration] = []
    for table in try config.tables("mqtt_source") {
      let source = try load(table, site: site)
      if sources.contains(where: { $0.mapping.name == source.mapping.name }) {
        throw table.invalid("id", "\"\(source.mapping.name)\" names another [[mqtt_source]] too")
      }
      // One connection per site broker: its sources must agree on how to reach it.
      if let other = sources.first(where: { $0.broker == source.broker }), !other.tls.sameFiles(as: source.tls) {
        throw table.invalid("tls", "differs from that of [[mqtt_source]] \"\(other.mapping.name)\", on the same broker")
      }
      sources.append(source)
    }
    return sources
  }
}

extension Optional where Wrapped == ClientOptions.TLS {
  /// Whether both name the same certificate files (or both are absent).
  func sameFiles(as other: ClientOptions.TLS?) -> Bool {
    self?.caFile == other?.caFile && self?.caPath == other?.caPath && self?.certFile == other?.certFile
      && self?.keyFile == other?.keyFile
  }
}
