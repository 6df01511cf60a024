import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// Silences and maintenance windows in the running collector, through a real mosquitto: an alert in one is recorded,
/// journalled and published with its mark but not handed to the notification program (which appends what it is
/// given to a file); a silence ended from the shell makes the collector announce the alert it hid.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SilenceCollectorTests {
  /// A collector whose `[notify]` program appends to `notified`, with a daily 02:00–03:00 UTC cleaning window on
  /// hongxuan/cold3. `offline_after_minutes` is a week: the readings below are hours old or minutes ahead.
  private func start(_ facility: Facility) throws -> URL {
    let notified = facility.directory.appendingPathComponent("notified.jsonl")
    let config = facility.directory.appendingPathComponent("collector.toml")
    try """
    offline_after_minutes = 10080

    [notify]
    command = ["/bin/sh", "-c", "cat >> '\(notified.path)'"]
    group_seconds = 0

    [[maintenance]]
    name = "cleaning"
    scope = "hongxuan/cold3"
    from = "02:00"
    to = "03:00"
    zone = "Z"
    reason = "daily cleaning"

    """.write(to: config, atomically: true, encoding: .utf8)
    try facility.startCollector(arguments: ["--config", config.path])
    return notified
  }

  /// One payload of several samples of `sensor` in hongxuan/`room`: `(ts, temp_c)` pairs, no agent, no seq.
  private func publish(_ broker: MosquittoBroker, room: String, sensor: String, _ samples: [(Timestamp, Double)])
    throws
  {
    let items = samples.map { #"{"ts":"\#($0.0.rfc3339)","temp_c":\#($0.1)}"# }.joined(separator: ",")
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: pub),
      [
        "-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t",
        "coldtrace/v1/reading/hongxuan/\(room)/\(sensor)", "-m", #"{"v":1,"samples":[\#(items)]}"#,
      ])
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }

  private func minutes(_ count: ClosedRange<Int>, from start: Timestamp, tempC: Double) -> [(Timestamp, Double)] {
    count.map { (start.adding(seconds: Double($0 * 60)), tempC) }
  }

  private func text(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

  private func alert(_ store: SQLiteStore, sensor: String) -> AlertRecord? {
    var filter = AlertFilter()
    filter.sensor = sensor
    return (try? store.alerts(filter))?.first
  }

  @Test func anAlertInASilenceIsMarkedAndPublishedButNotifiedOnlyOnceTheSilenceEnds() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let notified = try start(facility)
    let sub = try #require(ChildProcess.system("mosquitto_sub"), "mosquitto-clients is not installed")
    let published = facility.directory.appendingPathComponent("alert-topic.log")
    let subscriber = try ChildProcess(
      name: "mosquitto_sub", executable: sub,
      arguments: ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", "coldtrace/v1/alert/#"],
      log: published.path)
    defer { subscriber.stop() }
    let store = try SQLiteStore(path: facility.database, create: false)

    // 9 °C for nine minutes: one more minute past litchi's critical 8 °C raises the alert.
    let now = WallClock.now()
    try publish(broker, room: "cold2", sensor: "probe-a", minutes(-10...(-1), from: now, tempC: 9))
    try publish(broker, room: "cold5", sensor: "probe-c", minutes(-10...(-1), from: now, tempC: 9))
    #expect(eventually(timeout: 20) { (try? store.counts().readings) == 20 })
    let added = try facility.shell([
      "silence", "add", "hongxuan/cold2", "--for", "1h", "--reason", "cleaning cold2", "--by", "lan",
    ])
    #expect(added.stdout == "1\n", "\(added.stderr)")
    // The next minute, a little ahead of the clock (within the accepted skew), falls inside the silence.
    let next = WallClock.now().adding(seconds: 60)
    try publish(broker, room: "cold2", sensor: "probe-a", [(next, 9)])
    try publish(broker, room: "cold5", sensor: "probe-c", [(next, 9)])

    #expect(eventually(timeout: 20) { text(notified).contains("\"sensor\":\"probe-c\"") }, "the unsilenced room")
    let silenced = try #require(alert(store, sensor: "probe-a"))
    #expect(silenced.kind == .tempHigh && silenced.severity == .critical && silenced.state == .open)
    #expect(silenced.silenced == "1")
    #expect(!text(notified).contains("probe-a"), "a silenced alert notifies nobody")
    #expect(text(URL(fileURLWithPath: facility.journal)).contains(#""sensor":"probe-a","#), "but it is journalled")
    #expect(
      eventually(timeout: 20) {
        text(published).split(separator: "\n").contains { $0.contains("probe-a") && $0.contains(#""silenced":"1""#) }
      }, "and published with its mark")

    let ended = try facility.shell(["silence", "end", "1", "--by", "minh"])
    #expect(ended.status == 0, "\(ended.stderr)")
    // The collector's next timer round (every 15 s here) announces the alert that is still open.
    #expect(
      eventually(timeout: 40) {
        text(notified).split(separator: "\n").contains {
          $0.contains(#""event":"unsilenced""#) && $0.contains("probe-a")
        }
      })
    let verified = try facility.shell(["journal", "verify", facility.journal])
    #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
  }

  @Test func aMaintenanceWindowMarksAnAlertInsideItButNotOneOutside() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    defer { facility.stopCollector() }
    let notified = try start(facility)
    let store = try SQLiteStore(path: facility.database, create: false)

    // Yesterday: 02:00–02:12 UTC at 9 °C, then back to 3 °C, all inside the 02:00–03:00 window.
    let today = WallClock.now().milliseconds / 86_400_000 * 86_400_000
    let yesterday = Timestamp(milliseconds: today - 86_400_000)
    let inside = yesterday.adding(seconds: 2 * 3600)
    try publish(
      broker, room: "cold3", sensor: "probe-in",
      minutes(0...12, from: inside, tempC: 9) + [(inside.adding(seconds: 780), 3)])
    #expect(eventually(timeout: 20) { alert(store, sensor: "probe-in")?.state == .resolved })
    // Yesterday 05:00–05:12, outside the window.
    try publish(
      broker, room: "cold3", sensor: "probe-out", minutes(0...12, from: yesterday.adding(seconds: 5 * 3600), tempC: 9))
    #expect(eventually(timeout: 20) { text(notified).contains("\"sensor\":\"probe-out\"") })

    let marked = try #require(alert(store, sensor: "probe-in"))
    #expect(marked.openedAt == inside.adding(seconds: 600) && marked.silenced == "maintenance:cleaning")
    #expect(alert(store, sensor: "probe-out")?.silenced == nil)
    #expect(!text(notified).contains("probe-in"), "\(text(notified))")
    let journal = text(URL(fileURLWithPath: facility.journal))
    #expect(journal.contains(#""maintenance:cleaning":"hongxuan/cold3 daily 02:00-03:00 +00:00: daily cleaning""#))
  }
}
