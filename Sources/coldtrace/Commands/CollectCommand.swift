import ArgumentParser
import ColdTraceCollector
import ColdTraceCore
import ColdTraceMQTT
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import Logging

struct CollectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "collect",
    abstract: "Run the collector service until SIGTERM or SIGINT.",
    discussion: """
      Subscribes to every site's readings (persistent session, QoS 1), stores each one in the database before
      acknowledging it, evaluates the product limits, and journals and publishes alerts.

      Example: coldtrace collect --broker mqtt://collector:secret@127.0.0.1:1883 --db /var/lib/coldtrace/coldtrace.db
      """
  )

  @OptionGroup var global: GlobalOptions
  @Option(help: ArgumentHelp("Broker URL, overriding the config.", valueName: "mqtt://[user[:password]@]host[:port]"))
  var broker: String?
  @Option(help: ArgumentHelp("Alert journal file (else the config's, else <db>.alerts.jsonl).", valueName: "path"))
  var journal: String?
  @Option(help: ArgumentHelp("Collector id: its MQTT client id is coldtrace-collector-<id>.", valueName: "id"))
  var id: String?
  /// Fault tests only: a file whose number caps the database's pages, standing in for a full disk.
  @Option(help: .hidden) var testPageLimitFile: String?

  func run() throws {
    SignalWaiter.blockTerminationSignals()
    let settings = try global.settings()
    let brokerURL = broker ?? settings.broker ?? "mqtt://127.0.0.1:1883"
    let address: BrokerAddress
    do {
      address = try BrokerAddress(url: brokerURL)
    } catch {
      throw UsageError("\(error)")
    }
    let collectorID = try validated(id, as: .agent, option: "--id") ?? settings.collectorID
    let slowRound = try Self.slowRound(ProcessInfo.processInfo.environment)
    let databasePath = try global.databasePath(settings)
    LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    let logger = Logger(label: "coldtrace.collect")

    // Held while the collector runs: `coldtrace restore` refuses to replace the database under it.
    let lock: CollectorLock
    do {
      lock = try CollectorLock.holdForCollector(database: databasePath)
    } catch let error as UnusablePath {
      throw UsageError(error.description)
    }
    defer { withExtendedLifetime(lock) {} }
    // Group commit: one fsync before each round of acknowledgements instead of one per message (see SQLiteStore);
    // checkpoints on a thread of their own, so no commit waits for one (WALCheckpointer).
    let checkpointLogger = Logger(label: "coldtrace.checkpoint")
    let store = try SQLiteStore(
      path: databasePath, durability: .onDemand,
      checkpoints: .separate(WALCheckpointer.Limits(), report: { checkpointLogger.warning("\($0)") }))
    if let testPageLimitFile { store.simulateFullDisk(whileFileHoldsPageLimit: testPageLimitFile) }
    store.useMaintenanceWindows(settings.maintenance)
    store.useTimeZones(settings.timeZones)
    let pipeline = try IngestPipeline(
      store: store, products: settings.products, placementOverrides: settings.placements,
      conditionConfig: settings.roomConditions, crossingGroups: settings.crossingGroups)
    // A configuration that judges alerts differently from the last recorded one is journalled (the service's start
    // writes the line to the journal file).
    let snapshot = try settings.configurationSnapshot()
    if try store.write({ try $0.recordConfiguration(snapshot, at: WallClock.now()) }) != nil {
      logger.notice("configuration change recorded in the alert journal")
    }
    let journal = AlertJournal(
      path: journal ?? settings.journal ?? AlertJournal.defaultPath(forDatabase: databasePath))
    var serviceSettings = CollectorService.Settings(collectorID: collectorID, broker: address)
    serviceSettings.protocolVersion = settings.protocolVersion
    serviceSettings.tls = settings.tls
    serviceSettings.silence = SilenceRule(silentAfterSeconds: settings.offlineAfterMinutes * 60)
    serviceSettings.notifications = settings.notifications
    serviceSettings.renotifyAfterSeconds = settings.renotifyAfterMinutes * 60
    let shortestOffline = settings.sources.flatMap { source in
      [source.offlineAfterMinutes, source.availability.isEmpty ? nil : source.availabilityGraceMinutes]
    }.compactMap { $0 }.reduce(settings.offlineAfterMinutes, min)
    serviceSettings.silenceCheckSeconds = min(15, max(1, shortestOffline * 60 / 4))
    serviceSettings.agentPresence = AgentPresenceRule(graceSeconds: settings.agentOfflineAfterMinutes * 60)
    serviceSettings.metricsListen = settings.metricsListen
    serviceSettings.sources = settings.sources
    serviceSettings.siteLimits = settings.siteLimits
    serviceSettings.slowRound = slowRound
    serviceSettings.clockSkew = settings.clockSkew
    serviceSettings.siteUplink = SiteUplinkRule(
      graceSeconds: settings.siteUplinkDownAfterMinutes * 60, blindAfterSeconds: settings.offlineAfterMinutes * 60)
    let service = try CollectorService(settings: serviceSettings, pipeline: pipeline, journal: journal, logger: logger)
    try service.start()
    let signal = SignalWaiter.waitForTermination()
    logger.info("signal \(signal) received, stopping")
    service.stop()
  }

  /// `COLDTRACE_SLOW_ROUND_MS`: a writer round or MQTT handler call at least this many milliseconds long is logged
  /// with where its time went; unset, 20; 0, never.
  static func slowRound(_ environment: [String: String]) throws -> Duration? {
    guard let text = environment["COLDTRACE_SLOW_ROUND_MS"], !text.isEmpty else { return .milliseconds(20) }
    guard let milliseconds = Double(text), milliseconds.isFinite, milliseconds >= 0, milliseconds < 3_600_000 else {
      throw UsageError("COLDTRACE_SLOW_ROUND_MS must be a number of milliseconds (0: off), not '\(text)'")
    }
    return milliseconds == 0 ? nil : .microseconds(Int64(milliseconds * 1000))
  }
}
