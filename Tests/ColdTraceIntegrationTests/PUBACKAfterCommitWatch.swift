import ColdTraceStorage
import Synchronization

/// Reads the MQTT packets a `LoopbackProxy` relays between a broker and the collector: numbers the QoS 1 PUBLISHes the
/// broker hands the collector on topics starting with `topicPrefix`, and when the collector's PUBACK for the k-th of
/// them passes (before the broker gets it), counts the readings in the database. Committed before the PUBACK means
/// at least k readings then.
final class PUBACKAfterCommitWatch: Sendable {
  /// One PUBACK: the number of the message it acknowledges (1 for the first) and the readings stored as it passed.
  struct Acknowledged: Sendable {
    var message: Int
    var stored: Int
  }

  private struct State {
    var fromBroker: [UInt8] = []
    var fromCollector: [UInt8] = []
    var messageByPacketID: [UInt16: Int] = [:]
    var published = 0
    var acknowledged: [Acknowledged] = []
    var store: SQLiteStore?
  }

  let topicPrefix: String
  let database: String
  private let state = Mutex(State())

  init(topicPrefix: String, database: String) {
    self.topicPrefix = topicPrefix
    self.database = database
  }

  var acknowledged: [Acknowledged] { state.withLock { $0.acknowledged } }
  /// The QoS 1 PUBLISHes on `topicPrefix` the broker has handed the collector so far.
  var published: Int { state.withLock { $0.published } }

  /// A new connection starts: what is left of the last one's bytes (a packet cut short) is dropped.
  func connectionStarts() {
    state.withLock { state in
      state.fromBroker.removeAll()
      state.fromCollector.removeAll()
    }
  }

  /// The proxy's inspector: the collector is the proxy's client side.
  func inspect(fromCollector: Bool, bytes: ArraySlice<UInt8>) {
    state.withLock { state in
      if fromCollector {
        state.fromCollector += bytes
        while let (header, body) = Self.nextPacket(&state.fromCollector) {
          guard header >> 4 == 4, body.count >= 2 else { continue }  // PUBACK
          guard let message = state.messageByPacketID[UInt16(body[0]) << 8 | UInt16(body[1])] else { continue }
          if state.store == nil { state.store = try? SQLiteStore(path: database, create: false) }
          let stored = (try? state.store?.counts().readings) ?? nil
          state.acknowledged.append(Acknowledged(message: message, stored: stored ?? -1))
        }
      } else {
        state.fromBroker += bytes
        while let (header, body) = Self.nextPacket(&state.fromBroker) {
          guard header >> 4 == 3, header & 0x06 != 0 else { continue }  // PUBLISH at QoS 1 or 2
          guard body.count >= 2 else { continue }
          let topicLength = Int(body[0]) << 8 | Int(body[1])
          guard body.count >= 4 + topicLength else { continue }
          let topic = String(decoding: body[2..<2 + topicLength], as: UTF8.self)
          guard topic.hasPrefix(topicPrefix) else { continue }
          state.published += 1
          state.messageByPacketID[UInt16(body[2 + topicLength]) << 8 | UInt16(body[3 + topicLength])] =
            state.published
        }
      }
    }
  }

  /// Takes one whole packet off the front of `buffer`: its first byte and its body (after the remaining length).
  private static func nextPacket(_ buffer: inout [UInt8]) -> (header: UInt8, body: [UInt8])? {
    var length = 0
    var multiplier = 1
    var index = 1
    while true {
      guard index < buffer.count else { return nil }
      let byte = buffer[index]
      length += Int(byte & 0x7f) * multiplier
      multiplier *= 128
      index += 1
      if byte & 0x80 == 0 { break }
    }
    guard buffer.count >= index + length else { return nil }
    let packet = (buffer[0], Array(buffer[index..<index + length]))
    buffer.removeFirst(index + length)
    return packet
  }
}
