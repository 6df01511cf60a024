import ArgumentParser
import ColdTraceConfig
import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import Synchronization

struct SourcesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sources",
    abstract: "Third-party sensors: find them on a broker and print their [[source]] tables.",
    subcommands: [SourcesDiscoverCommand.self])
}

struct SourcesDiscoverCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "discover",
    abstract: "Print [[source]] tables for the temperature and humidity sensors a broker's Home Assistant "
      + "discovery configs name.",
    discussion: """
      Reads the retained discovery configs (<prefix>/sensor/[<node>/]<object>/config)
      that Zigbee2MQTT, ESPHome, Tasmota (SetOption19 1) and OpenMQTTGateway
      publish, for --timeout seconds, and prints one table per state topic of every
      temperature and humidity sensor: preset, topic, room, sensor, fields, unit,
      time policy and availability topic. Check the rooms (the device's area, else
      the first level of a name like cold2/snzb-1, else --room), then paste the
      tables into the collector config (--site) or an agent config (--agent).

      Examples:
        coldtrace sources discover --broker mqtt://192.168.1.10 --site hongxuan
        coldtrace sources discover --broker mqtt://192.168.1.10 --agent \\
          --time-zone +07:00
        coldtrace sources discover --broker mqtts://hx@broker.example:8883 \\
          --password-file ~/hx.password --ca-file /etc/coldtrace/ca.crt --site hx
      """)

  @OptionGroup var global: GlobalOptions
  @Option(help: ArgumentHelp("Broker URL (else the config's).", valueName: "mqtt[s]://[user[:password]@]host[:port]"))
  var broker: String?
  @Option(help: ArgumentHelp("User name, overriding the URL's.", valueName: "name")) var user: String?
  @Option(help: ArgumentHelp("File whose first line is the password.", valueName: "path")) var passwordFile: String?
  @Option(help: ArgumentHelp("CA certificate for mqtts:// (else the config's [tls]).", valueName: "path"))
  var caFile: String?
  @Option(help: ArgumentHelp("Client certificate for mqtts://.", valueName: "path")) var certFile: String?
  @Option(help: ArgumentHelp("Client key for mqtts://.", valueName: "path")) var keyFile: String?
  @Option(help: ArgumentHelp("Discovery prefix.", valueName: "prefix")) var prefix = "homeassistant"
  @Option(help: ArgumentHelp("Seconds to read retained configs (0.5–600).", valueName: "seconds")) var timeout = 3.0
  @Option(help: ArgumentHelp("Site of the [[source]] tables (collector config).", valueName: "site")) var site: String?
  @Flag(help: "Print [[mqtt_source]] tables for an agent config, reading this broker.") var agent = false
  @Option(help: ArgumentHelp("Room of a sensor whose config suggests none.", valueName: "room"))
  var room = "unassigned"
  @Option(help: ArgumentHelp("The ESPs' UTC offset: Tasmota sources are timed by their Time.", valueName: "+HH:MM"))
  var timeZone: String?

  func run() throws {
    let address = try connectionAddress()
    var plan = try discoveryPlan(address)
    plan.defaultRoom = try validated(room, as: .room, option: "--room")!
    guard (0.5...600).contains(timeout) else { throw UsageError("--timeout must be 0.5 to 600 seconds") }
    guard !prefix.isEmpty, !prefix.contains("+"), !prefix.contains("#") else {
      throw UsageError("--prefix must be a topic prefix without wildcards, e.g. homeassistant")
    }
    let found = try DiscoveryReader(prefix: prefix, address: address, tls: try tlsOptions(address)).read(
      seconds: timeout)
    var sensors: [DiscoveredSensor] = []
    var lastSeen = Set<String>()
    var unusable: [String] = []
    for entry in found {
      switch entry {
      case .sensor(let sensor): sensors.append(sensor)
      case .lastSeen(let topic): lastSeen.insert(topic)
      case .unusable(let reason): unusable.append(reason)
      case .other: break
      }
    }
    let sources = plan.sources(sensors, lastSeen: lastSeen)
    var text =
      "# coldtrace sources discover: \(sensors.count) temperature and humidity sensors in \(found.count) configs "
      + "under \(prefix)/ on \(address), \(sources.count) tables\n"
    if agent && address.password != nil {
      text +=
        "# each broker URL leaves the password out: write it in (\(address.usesTLS ? "mqtts" : "mqtt")://user:PASSWORD@...)\n"
    }
    for reason in unusable { text += "# not mapped: \(reason)\n" }
    for source in sources { text += "\n" + source.toml }
    print(text, terminator: "")
  }

  /// The broker's address: `--broker`, else the config's, with `--user` and `--password-file` applied.
  private func connectionAddress() throws -> BrokerAddress {
    let configured = broker == nil ? try global.settings().broker : nil
    guard let url = broker ?? configured else {
      throw UsageError("--broker is required (or a --config with a broker), e.g. --broker mqtt://192.168.1.10")
    }
    var address: BrokerAddress
    do {
      address = try BrokerAddress(url: url)
    } catch {
      throw UsageError("--broker: \(error)")
    }
    if let user { address.username = user }
    if let passwordFile {
      guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
        throw UsageError("--password-file \(passwordFile): cannot be read")
      }
      address.password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
    return address
  }

  private func discoveryPlan(_ address: BrokerAddress) throws -> DiscoveryPlan {
    var plan: DiscoveryPlan
    switch (site, agent) {
    case (let site?, false):
      plan = DiscoveryPlan(target: .collector(site: try validated(site, as: .site, option: "--site")!))
    case (nil, true):
      var shown = address
      shown.password = nil
      let tls = try tlsOptions(address)
      let files = [("ca_file", tls?.caFile), ("cert_file", tls?.certFile), ("key_file", tls?.keyFile)].compactMap {
        key, path in path.map { (key: key, path: $0) }
      }
      plan = DiscoveryPlan(target: .agent(broker: shown.description, tls: files))
    default: throw UsageError("give either --site (a collector's [[source]] tables) or --agent ([[mqtt_source]])")
    }
    if let timeZone {
      guard UTCOffset.seconds(timeZone) != nil else { throw UsageError("--time-zone must be +HH:MM or -HH:MM") }
      plan.tasmotaTimeZone = timeZone
    }
    return plan
  }

  private func tlsOptions(_ address: BrokerAddress) throws -> ClientOptions.TLS? {
    guard address.usesTLS else { return nil }
    let configured = try global.settings().tls
    return ClientOptions.TLS(
      caFile: caFile ?? configured?.caFile, certFile: certFile ?? configured?.certFile,
      keyFile: keyFile ?? configured?.keyFile)
  }
}
