import ColdTraceCore
import ColdTraceStorage
import TestSupport
import Testing

@testable import ColdTraceCollector

/// The page `/metrics` serves is valid text format 0.0.4: read back by a strict parser, every family has one HELP and
/// one TYPE line before its samples, label values come back as written, and histograms are cumulative.
struct MetricsExpositionTests {
  @Test func labelValuesAndHelpAreEscapedAndReadBackAsWritten() throws {
    var text = MetricsText()
    text.family("coldtrace_test_total", .counter, "Help with a \\ backslash\nand a newline.")
    let awkward = "quote \" backslash \\ newline \n end"
    text.sample("coldtrace_test_total", ["reason": awkward, "site": "hongxuan"], 3)
    #expect(text.text.contains(#"# HELP coldtrace_test_total Help with a \\ backslash\nand a newline."#))
    let page = try ExpositionPage(text.text)
    #expect(page.value("coldtrace_test_total", ["reason": awkward, "site": "hongxuan"]) == 3)
  }

  @Test func valuesAreWrittenAsTheFormatSpellsThem() {
    #expect(MetricsText.formatted(3) == "3")
    #expect(MetricsText.formatted(1_764_387_600.5) == "1764387600.5")
    #expect(MetricsText.formatted(0.0005) == "0.0005")
    #expect(MetricsText.formatted(.infinity) == "+Inf")
    #expect(MetricsText.formatted(.nan) == "NaN")
  }

  @Test func theCollectorsWholePageParsesWithEveryFamilyTypedOnce() throws {
    let metrics = CollectorMetrics()
    metrics.setConnected(true)
    for latency in [0.0004, 0.003, 0.003, 0.2, 7] { metrics.ingestLatency.observe(latency) }
    metrics.commitDuration.observe(0.004)
    var database = DatabaseMetrics()
    database.openAlerts = [.init(kind: "temp_high", severity: "critical", count: 2)]
    database.lastReadings = [
      .init(key: SensorKey(site: "hongxuan", room: "cold2", sensor: "cold2-air"), at: Timestamp(seconds: 1_764_387_600))
    ]
    database.quarantinedByReason = ["malformed_json": 3, "invalid_id": 1]
    database.unacknowledged = [.init(agent: AgentKey(site: "hongxuan", agent: "hx-edge-1"), samples: 12)]
    var text = MetricsText()
    metrics.write(
      tally: CollectorTally(messages: 9, freshSamples: 7, duplicateSamples: 2, alertEvents: 1, deferred: 3),
      notifications: [NotificationCounts(channel: "notify", delivered: 4, failed: 1)],
      agentOutboxes: [AgentKey(site: "hongxuan", agent: "hx-edge-1"): .init(pending: 40, dropped: 5)],
      database: database, into: &text)

    let page = try ExpositionPage(text.text)
    for name in page.order {
      #expect(page.families[name]?.help?.isEmpty == false, "\(name) has no help")
      #expect(name.hasPrefix("coldtrace_"), "\(name) lacks the prefix")
      if page.families[name]?.type == "counter" { #expect(name.hasSuffix("_total"), "counter \(name)") }
    }
    #expect(page.value("coldtrace_readings_ingested_total", ["source": "mqtt"]) == 7)
    #expect(page.value("coldtrace_readings_duplicate_total", ["source": "mqtt"]) == 2)
    #expect(page.value("coldtrace_readings_quarantined_total", ["reason": "malformed_json"]) == 3)
    #expect(page.value("coldtrace_alerts_open", ["kind": "temp_high", "severity": "critical"]) == 2)
    #expect(
      page.value(
        "coldtrace_probe_last_reading_timestamp_seconds",
        ["site": "hongxuan", "room": "cold2", "sensor": "cold2-air"]) == 1_764_387_600)
    #expect(page.value("coldtrace_agent_unacknowledged_samples", ["site": "hongxuan", "agent": "hx-edge-1"]) == 12)
    #expect(page.value("coldtrace_notifications_total", ["channel": "notify", "result": "failed"]) == 1)
    #expect(page.value("coldtrace_mqtt_connected") == 1)
    #expect(page.value("coldtrace_messages_deferred_total") == 3)
    let agent = ["site": "hongxuan", "agent": "hx-edge-1"]
    #expect(page.value("coldtrace_agent_outbox_pending_samples", agent) == 40)
    #expect(page.value("coldtrace_agent_outbox_dropped_samples_total", agent) == 5)
    #expect(page.value("coldtrace_build_info", ["version": CollectorService.version]) == 1)

    // Cumulative buckets, +Inf equal to the count, the sum of what was observed.
    let buckets = page.samples("coldtrace_ingest_latency_seconds_bucket")
    #expect(buckets.map(\.value) == buckets.map(\.value).sorted())
    #expect(page.value("coldtrace_ingest_latency_seconds_bucket", ["le": "0.0005"]) == 1)
    #expect(page.value("coldtrace_ingest_latency_seconds_bucket", ["le": "0.005"]) == 3)
    #expect(page.value("coldtrace_ingest_latency_seconds_bucket", ["le": "2.5"]) == 4)
    #expect(page.value("coldtrace_ingest_latency_seconds_bucket", ["le": "+Inf"]) == 5)
    #expect(page.value("coldtrace_ingest_latency_seconds_count") == 5)
    #expect(abs((page.value("coldtrace_ingest_latency_seconds_sum") ?? 0) - 7.2064) < 1e-9)
    #expect(page.value("coldtrace_db_commit_seconds_count") == 1)
  }

  @Test func theParserRejectsWhatPrometheusWould() {
    #expect(throws: ExpositionPage.Failure.self) { try ExpositionPage("coldtrace_x 1\n") }
    #expect(throws: ExpositionPage.Failure.self) {
      try ExpositionPage("# TYPE coldtrace_x gauge\ncoldtrace_x{a=\"b} 1\n")
    }
    #expect(throws: ExpositionPage.Failure.self) {
      try ExpositionPage("# TYPE coldtrace_x gauge\ncoldtrace_x 1 1764387600000\n")
    }
    #expect(throws: ExpositionPage.Failure.self) {
      try ExpositionPage(
        "# TYPE coldtrace_x gauge\ncoldtrace_x 1\n# TYPE coldtrace_y gauge\n# TYPE coldtrace_x gauge\n")
    }
  }

  @Test func listenAddressesDefaultToLoopbackAndRefuseWhatIsNotOne() throws {
    #expect(try MetricsListenAddress.parse("9464").get() == MetricsListenAddress(port: 9464))
    #expect(try MetricsListenAddress.parse(":9464").get() == MetricsListenAddress(port: 9464))
    #expect(try MetricsListenAddress.parse("localhost:9464").get() == MetricsListenAddress(port: 9464))
    #expect(try MetricsListenAddress.parse("0.0.0.0:80").get() == MetricsListenAddress(host: "0.0.0.0", port: 80))
    for bad in ["", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "example.org:9464", "[::1]:9464", "1.2.3:9"] {
      #expect(throws: MetricsListenError.self, "\(bad)") { try MetricsListenAddress.parse(bad).get() }
    }
  }
}
