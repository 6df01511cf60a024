import ColdTraceAgent
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A facility's own broker bridged to the central broker (deploy/mosquitto/site-broker.conf, as make-site-broker.sh
/// fills it in), with everything real: the central broker with TLS and the deployed ACL, the site broker, the uplink
/// between them through a proxy the test cuts for two minutes, an agent and a Zigbee2MQTT-like QoS 1 publisher on the
/// site broker, the collector on the central broker.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SiteBrokerBridgeTests {
  @Test func aSiteBrokerRestartedDuringACutKeepsWhatItQueuedForTheCentre() throws {
    let centre = try DeployedBroker()
    let site = try BridgedSite("hongxuan", centre: centre, forwarding: ["zigbee2mqtt"])
    defer { site.stop() }
    let collector = try centre.client(
      url: centre.tlsURL(user: "collector"), tls: centre.tls("collector"), subscribe: ["sites/hongxuan/#"])
    defer { collector.client.stop() }
    let zigbee = try site.client(id: "zigbee2mqtt")
    defer { zigbee.client.stop() }
    let local = try site.client(id: "site-watcher", subscribe: ["coldtrace/v1/bridge/hongxuan"])
    defer { local.client.stop() }
    #expect(eventually(timeout: 30) { local.recorder.payloads(on: "coldtrace/v1/bridge/hongxuan").last == "1" })

    site.uplink.cut()
    #expect(eventually(timeout: 30) { local.recorder.payloads(on: "coldtrace/v1/bridge/hongxuan").last == "0" })
    let devices = (1...20).map { "zigbee2mqtt/cold3-snzb-\($0)" }
    for topic in devices { try zigbee.publish(topic, #"{"temperature":3.5}"#) }
    #expect(eventually(timeout: 10) { zigbee.recorder.acceptedCount == devices.count }, "the site broker took them")
    // SIGTERM: mosquitto saves its persistence file, the bridge's queue in it; then it starts again from it.
    site.broker.stop()
    try site.broker.launch()
    try site.uplink.restore()
    let arrived = { Set(collector.recorder.topics) }
    let expected = Set(devices.map { "sites/hongxuan/\($0)" })
    #expect(eventually(timeout: 60) { arrived().isSuperset(of: expected) }, "arrived: \(arrived().sorted())")
    #expect(collector.recorder.topics.filter(expected.contains).count == devices.count, "sent twice")
  }

  @Test func anUplinkCutForTwoMinutesLosesNothingStoresEverythingOnceAndShowsTheLinkDownThenUp() throws {
    let centre = try DeployedBroker()
    let site = try BridgedSite("hongxuan", centre: centre, forwarding: ["zigbee2mqtt"])
    defer { site.stop() }
    let facility = try Facility(broker: centre.broker)
    guard let metricsPort = FreePort.find() else { throw TestSupportError("no free port for /metrics") }
    let config = try facility.collectorConfig(
      """
      site_uplink_down_after_minutes = 1

      [metrics]
      listen = "127.0.0.1:\(metricsPort)"

      [[source]]
      id = "z2m-bridged"
      site = "hongxuan"
      preset = "zigbee2mqtt"
      topic = "sites/hongxuan/zigbee2mqtt/{room}-{sensor}"
      time = "payload"
      repeat_within_seconds = 0

      """)
    try facility.startCollector(
      brokerURL: "mqtt://collector:\(DeployedBroker.passwords["collector"]!)@127.0.0.1:\(centre.loopbackPort)",
      arguments: config)
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let bridgeState = { () -> Bool? in (try? store.siteBridges())?.first { $0.site == "hongxuan" }?.up }
    #expect(eventually(timeout: 30) { bridgeState() == true }, "the bridge never said it was up")

    // What reaches the site broker from the centre: only this site's acknowledgements and limits.
    let watcher = try site.client(id: "site-watcher", subscribe: ["coldtrace/v1/#"])
    defer { watcher.client.stop() }
    let zigbee = try site.client(id: "zigbee2mqtt")
    defer { zigbee.client.stop() }
    let rounds = 600  // 4 a second: 150 s of samples, the cut in the middle
    let agent = try facility.startAgent(
      samples: rounds, interval: 0.25, arguments: ["--broker", site.url, "--drain-seconds", "180"])
    defer { agent.stop() }
    var published = 0
    func publishZigbee() throws {
      published += 1
      let payload =
        #"{"temperature":\#(3 + Double(published) / 100),"humidity":90,"linkquality":90,"#
        + #""last_seen":"\#(WallClock.now().rfc3339)"}"#
      try zigbee.publish("zigbee2mqtt/cold3-snzb-1", payload)
    }
    #expect(eventually(timeout: 30) { ((try? store.counts().readings) ?? 0) >= 20 }, "no readings came through")
    for _ in 0..<5 {
      try publishZigbee()
      Thread.sleep(forTimeInterval: 0.5)
    }
    // Another site's traffic on the centre, which must not come down to this site.
    let other = try centre.client(url: centre.tlsURL(user: "collector"), tls: centre.tls("collector"))
    defer { other.client.stop() }

    site.uplink.cut()
    #expect(eventually(timeout: 30) { bridgeState() == false }, "the collector never saw the link go down")
    let metricsDown = try HTTPClient.get(port: metricsPort, path: "/metrics").body
    #expect(metricsDown.contains(#"coldtrace_site_bridge_up{site="hongxuan"} 0"#), "\(metricsDown)")
    let storedAtCut = try store.counts().readings
    let cutEnds = Date().addingTimeInterval(120)
    while Date() < cutEnds {
      try publishZigbee()
      Thread.sleep(forTimeInterval: 1)
    }
    let storedDuringCut = try store.counts().readings - storedAtCut
    #expect(storedDuringCut <= 5, "\(storedDuringCut) readings arrived through a cut uplink")
    let statusDown = try facility.shell(["status", "--json"]).stdout
    #expect(statusDown.contains(#""site":"hongxuan","bridge":"down""#), "\(statusDown)")
    try other.publish("coldtrace/v1/ack/dongtien/dt-edge-1", #"{"v":1,"acks":{}}"#)
    try site.uplink.restore()

    #expect(eventually(timeout: 90) { bridgeState() == true }, "the bridge did not come back")
    let uplinkAlerts = { (try? store.alerts(AlertFilter()).filter { $0.kind == .uplinkDown }) ?? [] }
    #expect(
      eventually(timeout: 30) { uplinkAlerts().count == 1 && uplinkAlerts().first?.state == .resolved },
      "uplink_down: \(uplinkAlerts())")
    for _ in 0..<5 {
      try publishZigbee()
      Thread.sleep(forTimeInterval: 0.05)  // one per `last_seen` millisecond: a device's time is its reading's key
    }
    #expect(agent.wait(seconds: 240), "the agent did not finish and drain its outbox")
    #expect(agent.exitStatus == 0)
    let zigbeeStored = { (try? store.readings(ReadingFilter()).filter { $0.key.sensor == "snzb-1" }.count) ?? 0 }
    #expect(eventually(timeout: 60) { zigbeeStored() >= published }, "Zigbee readings lost: \(zigbeeStored())")
    #expect(zigbee.recorder.acceptedCount == published && zigbee.recorder.failedCount == 0)
    let metricsUp = try HTTPClient.get(port: metricsPort, path: "/metrics").body
    #expect(metricsUp.contains(#"coldtrace_site_bridge_up{site="hongxuan"} 1"#), "\(metricsUp)")
    facility.stopCollector()

    let readings = try store.readings(ReadingFilter())
    let agentSeqs = readings.filter { $0.key.sensor == "cold2-air" }.compactMap(\.sample.seq)
    #expect(agentSeqs == (1...Int64(rounds)).map { $0 }, "lost, repeated or out of order: \(agentSeqs.count) stored")
    #expect(readings.filter { $0.key.sensor == "snzb-1" }.count == published, "Zigbee readings stored more than once")
    let outbox = try Outbox(directory: facility.agentStateDirectory().path)
    #expect(outbox.pendingCount == 0, "acknowledgements did not come back through the bridge")
    let bridges = try store.siteBridges()
    #expect(bridges.map(\.site) == ["hongxuan"] && bridges.first?.up == true)
    let downstream = watcher.recorder.topics.filter { !$0.hasPrefix("coldtrace/v1/reading/") }
    #expect(downstream.contains("coldtrace/v1/ack/hongxuan/hx-edge-1"))
    #expect(!downstream.contains { $0.contains("dongtien") }, "another site's traffic came down: \(downstream)")
    #expect(watcher.recorder.payloads(on: "coldtrace/v1/bridge/hongxuan").contains("1"))
    let log = facility.collectorLog
    #expect(log.contains("site hongxuan: its site broker's bridge is down"))
    #expect(log.contains("site hongxuan: its site broker's bridge is connected"))
    // The agent reads the bridge's state and re-sends nothing while it is 0: the site broker queues no copies. (When
    // it re-sent its backlog every 5 s through the cut, 6,529 to 11,602 duplicate samples arrived afterwards.) One
    // re-send of the backlog after the link is back, if the queue takes longer than the timeout, is allowed.
    let stopped = log.split(separator: "\n").last { $0.contains("collector stopped") } ?? ""
    let duplicates = stopped.split(separator: " ").first { $0.hasPrefix("duplicates=") }.flatMap {
      Int($0.dropFirst("duplicates=".count))
    }
    #expect(duplicates.map { $0 <= rounds } == true, "duplicate samples after the cut: \(stopped)")
    let localStates = watcher.recorder.payloads(on: "coldtrace/v1/bridge/hongxuan").joined(separator: " ")
    print(
      "site broker bridge test: \(rounds) agent samples and \(published) Zigbee messages, "
        + "\(storedDuringCut) stored during the 120 s cut, all stored once after it; "
        + "the site broker's own link states: \(localStates); "
        + (log.split(separator: "\n").last { $0.contains("collector stopped") }.map(String.init) ?? ""))
  }
}
