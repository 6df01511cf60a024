import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// A sensor that stops reporting raises `offline` from the collector's timer, with no further reading; the next
/// reading resolves it. The agent's will raises `agent_offline` after the grace period; its return resolves it.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct SilentSensorTests {
  @Test func aKilledAgentsSensorGoesOfflineWithoutAnotherReadingAndComesBack() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let facility = try Facility(broker: broker)
    let config = facility.directory.appendingPathComponent("collector.toml")
    try "offline_after_minutes = 0.05\nagent_offline_after_minutes = 0.05\n".write(
      to: config, atomically: true, encoding: .utf8)
    let log = facility.directory.appendingPathComponent("silent-collector.log")
    let collector = try ChildProcess(
      name: "collector", executable: Executables.product("coldtrace").path,
      arguments: [
        "collect", "--db", facility.database, "--journal", facility.journal, "--broker", broker.url, "--config",
        config.path,
      ], log: log.path)
    defer { collector.stop() }
    #expect(
      eventually(timeout: 20) {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("subscribed to coldtrace/v1/reading")
      })
    let agent = try facility.startAgent(interval: 0.5)
    let store = try SQLiteStore(path: facility.database, create: false)
    #expect(eventually(timeout: 20) { ((try? store.counts().readings) ?? 0) >= 3 })
    agent.kill()
    let readingsAtKill = try store.counts().readings

    var filter = AlertFilter()
    filter.sensor = "cold2-air"
    #expect(eventually(timeout: 20) { (try? store.alerts(filter))?.contains { $0.kind == .offline } == true })
    #expect(try store.counts().readings == readingsAtKill, "the alert came from the timer, not from a reading")
    let offline = try #require(try store.alerts(filter).first { $0.kind == .offline })
    #expect(offline.state == .open && offline.severity == .critical)
    // Its message, the journal's human field, gives the last reading's time in the site's zone (the default).
    #expect(offline.message.contains("+07:00)") && !offline.message.contains("Z)"), "\(offline.message)")
    // The agent's will said offline: after the grace period, one agent_offline alert for the box itself.
    var agentFilter = AlertFilter()
    agentFilter.sensor = "hx-edge-1"
    #expect(eventually(timeout: 20) { (try? store.alerts(agentFilter))?.first?.kind == .agentOffline })

    let restarted = try facility.startAgent(interval: 0.5)
    defer { restarted.stop() }
    #expect(
      eventually(timeout: 20) {
        (try? store.alert(id: offline.id))?.state == .resolved
      })
    #expect(try store.alerts(filter).filter { $0.kind == .offline }.count == 1, "one alert, not one per check")
    #expect(eventually(timeout: 20) { (try? store.alerts(agentFilter))?.first?.state == .resolved })
    #expect(try store.alerts(agentFilter).count == 1)
  }
}
