import CMosquitto

/// libmosquitto's callbacks, as plain C functions with no actor isolation.
///
/// A `@convention(c)` closure written in an actor-isolated context inherits that isolation and traps (SIGILL) when
/// libmosquitto calls it from its thread (docs/mqtt-facts.md, "Swift 6 on Linux"). These are static members of a
/// nonisolated type in a file of their own; the client comes back through `userdata`, which the client keeps valid
/// until `mosquitto_destroy`.
enum MosquittoCallbacks {
  static func install(on handle: OpaquePointer) {
    mosquitto_connect_v5_callback_set(handle, onConnect)
    mosquitto_disconnect_v5_callback_set(handle, onDisconnect)
    mosquitto_publish_v5_callback_set(handle, onPublish)
    mosquitto_message_v5_callback_set(handle, onMessage)
    mosquitto_subscribe_v5_callback_set(handle, onSubscribe)
  }

  /// libmosquitto's log, wanted only while a connection is being set up (`NetworkLoop`): with a log callback set it
  /// formats a debug line for every packet.
  static func setLogging(_ on: Bool, on handle: OpaquePointer) {
    mosquitto_log_callback_set(handle, on ? onLog : nil)
  }

  private static let onLog:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?) ->
      Void = { _, userdata, level, message in
        guard let message else { return }
        client(userdata)?.didLog(level: level, message: String(cString: message))
      }

  private static func client(_ userdata: UnsafeMutableRawPointer?) -> MosquittoClient? {
    guard let userdata else { return nil }
    return Unmanaged<MosquittoClient>.fromOpaque(userdata).takeUnretainedValue()
  }

  private static let onConnect:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, OpaquePointer?) -> Void = {
      _, userdata, code, flags, _ in
      client(userdata)?.didConnect(code: code, sessionPresent: flags & 1 == 1)
    }

  private static let onDisconnect:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, OpaquePointer?) -> Void = {
      _, userdata, code, _ in
      client(userdata)?.didDisconnect(code: code)
    }

  private static let onPublish:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, OpaquePointer?) -> Void = {
      _, userdata, messageID, reasonCode, _ in
      client(userdata)?.didPublish(messageID: messageID, reasonCode: reasonCode)
    }

  private static let onSubscribe:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, UnsafePointer<Int32>?, OpaquePointer?) ->
      Void = { _, userdata, messageID, count, granted, _ in
        let grantedQoS = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(count))) } ?? []
        client(userdata)?.didSubscribe(messageID: messageID, grantedQoS: grantedQoS)
      }

  private static let onMessage:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<mosquitto_message>?, OpaquePointer?) ->
      Void = { _, userdata, message, _ in
        guard let client = client(userdata), let message = message?.pointee, let topic = message.topic else { return }
        let payload = UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen))
        client.didReceive(
          ReceivedMessage(
            topic: String(cString: topic), payload: payload, qos: message.qos, retain: message.retain,
            gate: client.acknowledgementGate))
      }
}
