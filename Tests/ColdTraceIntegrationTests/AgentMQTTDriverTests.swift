import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The agent's `mqtt` driver with real processes: a Zigbee2MQTT-shaped publisher on the site broker (mosquitto #1) →
/// `coldtrace-agent` with an `[[mqtt_source]]` → the central broker (mosquitto #2) → `coldtrace collect`, the central
/// broker away for a while.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AgentMQTTDriverTests {
  /// One published value: the probe, its `last_seen` (epoch milliseconds) and its temperature.
  struct Published {
    var sensor: String
    var ts: Timestamp
    var tempC: Double
  }

  @Test func aCentralBrokerDownLosesNothingAndDoublesNothing() throws {
    let site = try MosquittoBroker()
    defer { site.stop() }
    let central = try MosquittoBroker(persistence: true)
    defer { central.stop() }
    let facility = try Facility(broker: central)
    try facility.startCollector()
    defer { facility.stopCollector() }
    let store = try SQLiteStore(path: facility.database, create: false)
    let agent = try facility.startAgent(
      interval: 5,
      sensorTables: """
        [[mqtt_source]]
        id = "z2m"
        broker = "\(site.url)"
        preset = "zigbee2mqtt"
        topic = "zigbee2mqtt/{room}-{sensor}"
        time = "payload"
        """)
    defer { agent.stop() }
    let agentLog = facility.agentLog()
    #expect(
      eventually(timeout: 20) {
        ((try? String(contentsOf: agentLog, encoding: .utf8)) ?? "").contains(
          "mqtt driver: subscribed to zigbee2mqtt/+")
      }, "the agent did not subscribe to the site broker")

    let publisher = try MosquittoClient(
      options: ClientOptions(clientID: "zigbee2mqtt-bridge", broker: try BrokerAddress(url: site.url)))
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })

    // Two SNZB-02s reporting 10 times a second between them, each value distinct; the times an hour-old history.
    let start = Int64(Date().timeIntervalSince1970 * 1000) - 600_000
    var published: [Published] = []
    func publish(_ count: Int) throws {
      for _ in 0..<count {
        let index = published.count
        let value = Published(
          sensor: index % 2 == 0 ? "snzb1" : "snzb2", ts: Timestamp(milliseconds: start + Int64(index) * 1000),
          tempC: 2 + Double(index) / 100)
        let payload = Array(
          #"{"battery":90,"humidity":88.5,"linkquality":120,"temperature":\#(value.tempC),"last_seen":\#(value.ts.milliseconds)}"#
            .utf8)
        let topic = "zigbee2mqtt/cold2-\(value.sensor)"
        try publisher.publish(topic: topic, payload: payload)
        // Every tenth: the same state again (cache_state_send_on_startup) and a cached-state repeat a second later.
        if index % 10 == 0 {
          try publisher.publish(topic: topic, payload: payload)
          let repeated =
            #"{"battery":89,"temperature":\#(value.tempC),"humidity":88.5,"last_seen":\#(value.ts.milliseconds + 500)}"#
          try publisher.publish(topic: topic, payload: Array(repeated.utf8))
        }
        published.append(value)
        Thread.sleep(forTimeInterval: 0.1)
      }
    }

    try publish(80)
    #expect(eventually(timeout: 20) { ((try? store.counts().readings) ?? 0) >= 40 })
    central.stop()
    let outage = Date()
    try publish(250)  // 25 s without the central broker
    try central.launch()
    let outageSeconds = Date().timeIntervalSince(outage)
    try publish(70)
    #expect(
      eventually(timeout: 60) { ((try? store.counts().readings) ?? 0) >= published.count },
      "not everything arrived: \((try? store.counts().readings) ?? 0) of \(published.count)")
    Thread.sleep(forTimeInterval: 1)  // a duplicate would arrive now
    agent.stop()
    facility.stopCollector()

    for sensor in ["snzb1", "snzb2"] {
      var filter = ReadingFilter()
      filter.sensor = sensor
      let stored = try store.readings(filter)
      let expected = published.filter { $0.sensor == sensor }
      #expect(stored.count == expected.count, "\(sensor): \(stored.count) stored of \(expected.count) published")
      #expect(stored.map(\.sample.ts) == expected.map(\.ts), "\(sensor): times")
      let temperatures = zip(stored, expected).map { abs(($0.sample.tempC ?? .nan) - $1.tempC) < 0.001 }
      #expect(temperatures.allSatisfy { $0 }, "\(sensor): values")
      #expect(stored.map(\.key.room).allSatisfy { $0 == "cold2" })
      // Numbered in arrival order: seq follows the publisher's order, 1, 2, 3, ...
      #expect(stored.compactMap(\.sample.seq) == (1...Int64(expected.count)).map { $0 }, "\(sensor): seq")
    }
    let log = try String(contentsOf: agentLog, encoding: .utf8)
    #expect(!log.contains("mqtt driver: ignored"), "the agent ignored a message")
    #expect(log.contains("disconnected"), "the agent never lost the central broker: nothing was tested")
    print(
      "mqtt driver: \(published.count) values through the agent, central broker down \(Int(outageSeconds)) s, "
        + "all stored once in order")
  }
}
