import ColdTraceCore
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// The Apprise channel through real programs: a real mosquitto, the real collector, `deploy/notify/apprise.sh` and
/// Debian's `apprise`, posting with its `json://` service to an HTTP sink on loopback. A critical `temp_high` reaches
/// the sink as exactly one POST naming the room, the kind and the alert, by the configuration's severity tag; with
/// the service unreachable for a while, the collector's retries deliver it once when it is back.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AppriseChannelTests {
  private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("deploy/notify/apprise.sh").path

  /// Fails (does not skip) when a program the channel needs is missing: CI installs them with scripts/bootstrap.sh.
  private func requirePrograms() throws {
    _ = try #require(ChildProcess.system("apprise"), "apprise is not installed (scripts/bootstrap.sh)")
    _ = try #require(ChildProcess.system("jq"), "jq is not installed (scripts/bootstrap.sh)")
  }

  /// The id of the alert the collector journalled as opened.
  private func openedAlertID(_ facility: Facility) throws -> Int {
    let journal = try String(contentsOfFile: facility.journal, encoding: .utf8)
    let opened = journal.split(separator: "\n").compactMap { line in
      (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }.first { $0["event"] as? String == "opened" }
    return try #require(opened?["id"] as? Int, "no opened alert in the journal")
  }

  private func writeConfig(_ facility: Facility, channel: String) throws -> String {
    let config = facility.directory.appendingPathComponent("collector.toml")
    try """
    offline_after_minutes = 10080

    [[notify]]
    name = "apprise"
    \(channel)
    group_seconds = 1
    """.write(to: config, atomically: true, encoding: .utf8)
    return config.path
  }

  @Test func aCriticalReachesTheServiceTaggedCriticalAsOnePostNamingRoomKindAndAlert() throws {
    try requirePrograms()
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let sink = try HTTPSink()
    defer { sink.stop() }
    // An Apprise configuration (its text format): criticals to one service, warnings and escalations to another.
    let appriseConfig = facility.directory.appendingPathComponent("apprise.conf")
    try """
    critical = json://127.0.0.1:\(sink.port)/critical
    warning, escalation = json://127.0.0.1:\(sink.port)/warning
    """.write(to: appriseConfig, atomically: true, encoding: .utf8)
    let sent = facility.directory.appendingPathComponent("apprise-sent")
    let config = try writeConfig(
      facility,
      channel: """
        command = ["/usr/bin/env", "COLDTRACE_APPRISE_CONFIG=\(appriseConfig.path)", \
        "COLDTRACE_APPRISE_SENT=\(sent.path)", "\(Self.script)"]
        """)
    try facility.startCollector(arguments: ["--config", config])
    try broker.publishWarmRoom()

    #expect(eventually(timeout: 30) { !sink.requests.isEmpty }, "\(facility.collectorLog)")
    #expect(
      eventually(timeout: 10) { facility.collectorLog.contains("notify apprise: hongxuan/cold2 delivered") },
      "\(facility.collectorLog)")
    Thread.sleep(forTimeInterval: 3)  // a second POST, if one were coming
    let requests = sink.requests
    #expect(requests.count == 1, "\(requests.map(\.body))")
    let post = try #require(requests.first)
    #expect(post.method == "POST" && post.path == "/critical")
    #expect(post.headers["content-type"] == "application/json")
    let json = try #require(post.json, "not JSON: \(post.body)")
    let alert = try openedAlertID(facility)
    #expect(json["title"] as? String == "[ColdTrace] KHẨN/CRITICAL hongxuan/cold2: temp_high")
    #expect(json["type"] as? String == "failure", "Apprise's notification type for a critical")
    let message = try #require(json["message"] as? String)
    #expect(message.contains("KHẨN (mở): hongxuan/cold2, đầu dò probe-a: temp_high"), "\(message)")
    #expect(message.contains("CRITICAL (opened): hongxuan/cold2, probe probe-a: temp_high"), "\(message)")
    #expect(message.contains("Mã cảnh báo \(alert).") && message.contains("Alert \(alert)."), "\(message)")
    let ids = try String(contentsOf: sent, encoding: .utf8).split(separator: "\n").joined(separator: ",")
    #expect(!ids.isEmpty, "the delivered notification ids are remembered")

    // The same ids again (the collector died before recording the delivery): nothing is posted twice.
    let repeated = try Executables.run(
      URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '%s\\n' \"$EVENT\" | \(Self.script)"],
      environment: [
        "COLDTRACE_APPRISE_CONFIG": appriseConfig.path, "COLDTRACE_APPRISE_SENT": sent.path,
        "COLDTRACE_NOTIFICATION_IDS": ids, "EVENT": #"{"severity":"critical","site":"hongxuan","room":"cold2"}"#,
      ])
    #expect(repeated.status == 0, "\(repeated.stderr)")
    #expect(sink.requests.count == 1)

    // `coldtrace notify test`, as the guide says: a critical test message, to the critical service, each time.
    for _ in 0..<2 {
      let test = try facility.shell(["notify", "test", "apprise", "--config", config])
      #expect(test.status == 0, "\(test.stderr)")
    }
    #expect(sink.requests.count == 3)
    #expect(sink.requests.last?.path == "/critical")
    #expect(sink.requests.last?.json?["title"] as? String == "[ColdTrace] KHẨN/CRITICAL test/test: temp_high")
  }

  @Test func aServiceDownWhenTheCriticalOpensGetsItOnceWhenBackThroughTheCollectorsRetries() throws {
    try requirePrograms()
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let sink = try HTTPSink()
    defer { sink.stop() }
    // The service is reached through a relay that is cut: connections are refused until it is restored.
    let link = try LoopbackProxy(targetPort: sink.port)
    defer { link.stop() }
    link.cut()
    let config = try writeConfig(
      facility,
      channel: """
        command = ["\(Self.script)"]
        contacts = ["json://127.0.0.1:\(link.port)/alarm"]
        """)
    try facility.startCollector(arguments: ["--config", config])
    let published = Date()
    try broker.publishWarmRoom()

    #expect(
      eventually(timeout: 30) { facility.collectorLog.contains("notify apprise: hongxuan/cold2 (1 events) failed") },
      "\(facility.collectorLog)")
    #expect(facility.collectorLog.contains("notify apprise program:"), "apprise's own warning is logged")
    // Down for 12 s, then up: a retry (back-off 5, 10, 20 s) delivers.
    Thread.sleep(forTimeInterval: max(0, 12 - Date().timeIntervalSince(published)))
    #expect(sink.requests.isEmpty)
    try link.restore()
    #expect(eventually(timeout: 40) { !sink.requests.isEmpty }, "\(facility.collectorLog)")
    #expect(
      eventually(timeout: 10) { facility.collectorLog.contains("notify apprise: hongxuan/cold2 delivered") },
      "\(facility.collectorLog)")
    Thread.sleep(forTimeInterval: 3)
    let requests = sink.requests
    #expect(requests.count == 1, "delivered once: \(requests.map(\.body))")
    let json = try #require(requests.first?.json)
    #expect(json["title"] as? String == "[ColdTrace] KHẨN/CRITICAL hongxuan/cold2: temp_high")
    #expect((json["message"] as? String)?.contains("Alert \(try openedAlertID(facility)).") == true)
  }

  @Test func theGuidesExamplesAreAcceptedByAppriseAndTheCollector() throws {
    try requirePrograms()
    let directory = try TemporaryDirectory.make(prefix: "apprise-guide")
    let conf = directory.appendingPathComponent("apprise.conf")
    try GuideExamples.block("deploy/notify/apprise.md", containing: "critical = smseagle://")
      .write(to: conf, atomically: true, encoding: .utf8)
    let apprise = URL(fileURLWithPath: try #require(ChildProcess.system("apprise")))
    // --dry-run lists the services a tag reaches, without sending.
    func services(_ tags: [String]) throws -> [String] {
      let result = try Executables.run(apprise, ["--dry-run", "--config", conf.path] + tags.flatMap { ["--tag", $0] })
      #expect(result.status == 0, "\(result.stderr)")
      // "  1. smseagle://****@192.168.1.50/...": the scheme of each numbered line.
      return result.stdout.split(separator: "\n").compactMap { line in
        let words = line.split(separator: " ")
        guard words.count == 2, words[0].hasSuffix("."), let scheme = words[1].split(separator: ":").first else {
          return nil
        }
        return String(scheme)
      }
    }
    #expect(try services(["critical"]).sorted() == ["mailtos", "ntfys", "smseagle"])
    #expect(try services(["warning"]).sorted() == ["discord", "mailtos"])
    #expect(try services(["critical", "escalation"]).sorted() == ["discord", "mailtos", "ntfys", "smseagle"])

    let toml = directory.appendingPathComponent("collector.toml")
    try GuideExamples.block("deploy/notify/apprise.md", containing: "[[notify]]")
      .write(to: toml, atomically: true, encoding: .utf8)
    let result = try Executables.run(
      Executables.product("coldtrace"), ["notify", "test", "nope", "--config", toml.path])
    #expect(result.stderr == "coldtrace: no channel named \"nope\" (configured: apprise)\n", "\(result.stderr)")
  }
}
