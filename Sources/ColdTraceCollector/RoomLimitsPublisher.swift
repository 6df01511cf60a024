import ColdTraceCore
import ColdTraceMQTT
import Logging
import Synchronization

/// Publishes each room's critical limits, retained, on `coldtrace/v1/limits/<site>/<room>` (`LimitsMessage`), so that
/// an agent whose uplink dies keeps judging its own probes (the edge alarm, docs/alert-rules.md).
///
/// The rooms are every room a probe hangs in, every room holding a lot now, and every room the config gives a
/// product; each is judged by the profile the collector judges it by now (`ProductAssignment.room`). The silence
/// timer calls `publishChanged` on each of its rounds: one query, and only a room whose limits changed since the last
/// publication (a lot added, moved or closed; a new probe) goes out. A new connection republishes every room, in case
/// the broker lost its retained messages.
final class RoomLimitsPublisher: Sendable {
  let pipeline: IngestPipeline
  let connection: BrokerConnection
  let logger: Logger
  /// Per topic, the limits last handed to a connected broker.
  private let published = Mutex<[String: LimitsMessage]>([:])
  private let republishAll = Atomic<Bool>(true)

  init(pipeline: IngestPipeline, connection: BrokerConnection, logger: Logger) {
    self.pipeline = pipeline
    self.connection = connection
    self.logger = logger
  }

  /// Whether a connection was made since the last round: the timer then publishes without waiting for its period.
  var isDue: Bool { republishAll.load(ordering: .relaxed) }

  /// After a (re)connection: everything goes out again at the next round.
  func connected() { republishAll.store(true, ordering: .relaxed) }

  /// The limits every known room has at `now`.
  func currentLimits(now: Timestamp) throws -> [LimitsMessage] {
    let products = pipeline.products
    var rooms = try pipeline.store.lotsByRoom(at: now)
    for (probe, room) in pipeline.probeRooms() where rooms["\(probe.site)/\(room)"] == nil {
      rooms["\(probe.site)/\(room)"] = []
    }
    for configured in products.rooms.keys where rooms[configured] == nil { rooms[configured] = [] }
    return rooms.keys.sorted().compactMap { name in
      guard let slash = name.firstIndex(of: "/") else { return nil }
      let site = String(name[..<slash])
      let room = String(name[name.index(after: slash)...])
      let shared = products.room(for: SensorKey(site: site, room: room, sensor: ""), lots: rooms[name] ?? [])
      return LimitsMessage(site: site, room: room, profile: shared.profile, ts: now)
    }
  }

  /// Publishes, retained, the rooms whose limits differ from what this connection last published; nothing while
  /// disconnected (the next connection publishes everything).
  func publishChanged(now: Timestamp) {
    guard let transport = connection.current, transport.isConnected else { return }
    let everything = republishAll.exchange(false, ordering: .relaxed)
    let limits: [LimitsMessage]
    do {
      limits = try currentLimits(now: now)
    } catch {
      logger.error("reading the rooms' lots for their limits failed: \(error); retrying at the next round")
      if everything { republishAll.store(true, ordering: .relaxed) }
      return
    }
    published.withLock { published in
      if everything { published.removeAll() }
      for message in limits {
        let topic = Topics.limits(site: message.site, room: message.room)
        if let last = published[topic], last.sameLimits(as: message) { continue }
        guard (try? transport.publish(topic: topic, payload: Array(message.encode().utf8), retain: true)) != nil
        else { continue }
        published[topic] = message
        logger.info("published the limits of \(message.site)/\(message.room): profile \(message.profile)")
      }
    }
  }
}
