import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The watcher watched: a real collector serving `/metrics` while it ingests through a real mosquitto, the same
/// state printed by `coldtrace metrics`, and Debian's Prometheus scraping the collector with the shipped alert rules.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct PrometheusScrapeTests {
  private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func prometheusScrapesARunningCollectorAndEvaluatesTheShippedRules() throws {
    let prometheusProgram = try #require(
      ChildProcess.system("prometheus"), "Debian's prometheus is not installed (scripts/bootstrap.sh)")
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    let metricsPort = try #require(FreePort.find())
    let config = facility.directory.appendingPathComponent("collector.toml")
    try "[metrics]\nlisten = \"127.0.0.1:\(metricsPort)\"\n".write(to: config, atomically: true, encoding: .utf8)
    try facility.startCollector(arguments: ["--config", config.path])
    defer { facility.stopCollector() }

    let now = Int(Date().timeIntervalSince1970)
    let topic = "coldtrace/v1/reading/hongxuan/cold2/"
    try publish(broker, topic + "door-probe", #"{"v":1,"ts":\#(now - 90),"temp_c":3.4}"#)
    try publish(broker, topic + "door-probe", #"{"v":1,"ts":\#(now - 60),"temp_c":3.5}"#)
    try publish(broker, topic + "door-probe", #"{"v":1,"ts":\#(now - 60),"temp_c":3.5}"#)  // a redelivery
    try publish(broker, topic + "back-probe", #"{"v":1,"ts":\#(now - 30),"temp_c":2.9}"#)
    try publish(broker, topic + "back-probe", #"{"v":1,"ts":"#)
    // An agent's status with its outbox: 7 samples waiting, 2 dropped.
    let status = #"{"state":"online","agent":"hx-edge-1","version":"0.1.0","outbox":{"pending":7,"dropped":2}}"#
    try publish(broker, "coldtrace/v1/status/hongxuan/hx-edge-1", status)
    // Litchi's critical limit (8 °C) held for 10 minutes of event time: a critical temp_high opens.
    try publish(broker, topic + "warm-probe", #"{"v":1,"ts":\#(now - 900),"temp_c":12}"#)
    try publish(broker, topic + "warm-probe", #"{"v":1,"ts":\#(now - 240),"temp_c":12.5}"#)

    let critical = ["kind": "temp_high", "severity": "critical"]
    var page: ExpositionPage?
    let ingested = eventually(timeout: 20, interval: 0.1) {
      page = try? scrape(port: metricsPort)
      return page?.value("coldtrace_readings_ingested_total", ["source": "mqtt"]) == 5
        && page?.value("coldtrace_readings_quarantined_total", ["reason": "malformed_json"]) == 1
        && page?.value("coldtrace_agent_outbox_dropped_samples_total", ["site": "hongxuan", "agent": "hx-edge-1"]) == 2
    }
    #expect(ingested, "the collector's page: \(page?.text ?? "none"); log: \(facility.collectorLog)")
    let live = try #require(page)
    #expect(live.value("coldtrace_readings_duplicate_total", ["source": "mqtt"]) == 1)
    #expect(live.value("coldtrace_mqtt_connected") == 1)
    #expect(live.value("coldtrace_agent_outbox_pending_samples", ["site": "hongxuan", "agent": "hx-edge-1"]) == 7)
    #expect(live.value("coldtrace_ingest_latency_seconds_count") == 6)
    #expect(live.value("coldtrace_reading_delay_seconds_count") == 5)
    #expect(live.value("coldtrace_alerts_open", critical) == 1)
    let door = ["site": "hongxuan", "room": "cold2", "sensor": "door-probe"]
    let back = ["site": "hongxuan", "room": "cold2", "sensor": "back-probe"]
    #expect(live.value("coldtrace_probe_last_reading_timestamp_seconds", door) == Double(now - 60))
    #expect(live.value("coldtrace_probe_last_reading_timestamp_seconds", back) == Double(now - 30))

    // The textfile collector's page: the database's part of the same.
    let printed = try facility.shell(["metrics"])
    #expect(printed.status == 0, "\(printed.stderr)")
    let textfile = try ExpositionPage(printed.stdout)
    #expect(textfile.value("coldtrace_probe_last_reading_timestamp_seconds", door) == Double(now - 60))
    #expect(textfile.value("coldtrace_readings_quarantined_total", ["reason": "malformed_json"]) == 1)
    #expect(textfile.value("coldtrace_alerts_open", critical) == 1)
    #expect(textfile.value("coldtrace_readings_ingested_total", ["source": "mqtt"]) == nil)

    // Debian's Prometheus, scraping every second, with the shipped rules.
    let prometheusPort = try #require(FreePort.find())
    let prometheusConfig = facility.directory.appendingPathComponent("prometheus.yml")
    let rules = Self.repository.appendingPathComponent("deploy/prometheus/coldtrace-rules.yml").path
    try """
    global:
      scrape_interval: 1s
      evaluation_interval: 1s
    rule_files:
      - \(rules)
    scrape_configs:
      - job_name: coldtrace
        static_configs:
          - targets: ["127.0.0.1:\(metricsPort)"]
    """.write(to: prometheusConfig, atomically: true, encoding: .utf8)
    let prometheus = try ChildProcess(
      name: "prometheus", executable: prometheusProgram,
      arguments: [
        "--config.file=\(prometheusConfig.path)",
        "--storage.tsdb.path=\(facility.directory.appendingPathComponent("tsdb").path)",
        "--web.listen-address=127.0.0.1:\(prometheusPort)",
      ],
      log: facility.directory.appendingPathComponent("prometheus.log").path)
    defer { prometheus.stop() }

    var answer = ""
    let queried = eventually(timeout: 60, interval: 0.5) {
      answer =
        (try? HTTPClient.get(port: prometheusPort, path: "/api/v1/query?query=coldtrace_readings_ingested_total"))?
        .body ?? ""
      return Self.vectorValues(answer) == ["5"]
    }
    #expect(queried, "Prometheus answered: \(answer)")

    var evaluated: [[String: Any]] = []
    let rulesEvaluated = eventually(timeout: 60, interval: 0.5) {
      let body = (try? HTTPClient.get(port: prometheusPort, path: "/api/v1/rules"))?.body ?? ""
      evaluated = Self.rules(body)
      return evaluated.count == 7
        && evaluated.allSatisfy { ($0["health"] as? String) == "ok" && ($0["evaluationTime"] as? Double ?? 0) > 0 }
    }
    #expect(rulesEvaluated, "rules: \(evaluated)")
    let names = Set(evaluated.compactMap { $0["name"] as? String })
    #expect(names.contains("ColdTraceProbeSilent") && names.contains("ColdTraceCollectorDown"))
    // Readings a minute old: nothing is silent, the collector is up.
    let firing = evaluated.filter { ($0["state"] as? String) != "inactive" }.compactMap { $0["name"] as? String }
    #expect(firing.isEmpty, "firing or pending: \(firing)")

    // The broker goes away: the collector says so on its page (and keeps answering).
    broker.stop()
    #expect(
      eventually(timeout: 20, interval: 0.2) {
        (try? scrape(port: metricsPort))?.value("coldtrace_mqtt_connected") == 0
      })
  }

  @Test func aBadListenAddressIsRefusedWithOneLineAndNothingStored() throws {
    let directory = try TemporaryDirectory.make(prefix: "metrics-config")
    let config = directory.appendingPathComponent("collector.toml")
    try "[metrics]\nlisten = \"example.org:9464\"\n".write(to: config, atomically: true, encoding: .utf8)
    let database = directory.appendingPathComponent("coldtrace.db").path
    let result = try Executables.run(
      Executables.product("coldtrace"), ["collect", "--config", config.path, "--db", database])
    #expect(result.status == 2)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.contains("listen") && result.stderr.contains("not an IPv4 address"))
    #expect(!FileManager.default.fileExists(atPath: database))
  }

  private func scrape(port: Int) throws -> ExpositionPage {
    let response = try HTTPClient.get(port: port, path: "/metrics")
    guard response.status == 200, response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    else { throw TestSupportError("/metrics answered \(response.status) \(response.headers)") }
    return try ExpositionPage(response.body)
  }

  private func publish(_ broker: MosquittoBroker, _ topic: String, _ payload: String) throws {
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: pub), ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", topic, "-m", payload])
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }

  /// The values of an instant-vector answer from `/api/v1/query`.
  private static func vectorValues(_ body: String) -> [String] {
    guard let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
      let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
    else { return [] }
    return result.compactMap { ($0["value"] as? [Any])?.last as? String }
  }

  /// Every rule of every group from `/api/v1/rules`.
  private static func rules(_ body: String) -> [[String: Any]] {
    guard let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
      let data = json["data"] as? [String: Any], let groups = data["groups"] as? [[String: Any]]
    else { return [] }
    return groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
  }
}
