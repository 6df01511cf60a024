import ColdTraceCollector
import ColdTraceCore
import ColdTraceMQTT
import Foundation
import Synchronization

/// Watches the demo broker like an operator's screen: one line every 5 minutes of room time, and every alert event
/// the collector publishes, as it happens.
final class DemoWatcher: Sendable {
  private let client: MosquittoClient
  private let heartbeat = Heartbeat()

  init(port: Int) throws {
    let heartbeat = self.heartbeat
    var options = ClientOptions(clientID: "coldtrace-demo-watch", broker: BrokerAddress(host: "127.0.0.1", port: port))
    options.reconnectDelayMin = 0.1
    client = try MosquittoClient(
      options: options,
      onMessage: { message in
        heartbeat.beat()
        Self.show(message)
      })
    try client.subscribe(Topics.readingFilter, qos: .atMostOnce)
    try client.subscribe(Topics.alertFilter, qos: .atLeastOnce)
    client.start()
  }

  func waitUntilConnected(seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !client.isConnected && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    return client.isConnected
  }

  /// Waits until nothing has arrived for half a second (the collector's last alert events are out).
  func waitForQuiet() {
    for _ in 0..<100 {
      if heartbeat.secondsSinceLast > 0.5 { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
  }

  func stop() { client.stop() }

  private static func show(_ message: ReceivedMessage) {
    let bytes = Array(message.payload)
    if message.topic.hasPrefix(Topics.root + "/alert/") {
      // The collector publishes whole alert lines; anything else on the topic is not shown.
      guard let event = AlertMessage.decode(String(decoding: bytes, as: UTF8.self)) else { return }
      let alert = event.alert
      say(
        "  \(event.at.map(clock) ?? "?")  ALERT \((event.event ?? "?").uppercased()) #\(alert.id)  "
          + "[\(alert.severity.rawValue)] \(alert.kind.rawValue) \(alert.sensor): \(alert.message)")
      return
    }
    guard
      case .success(let reading) = bytes.withUnsafeBytes({
        ReadingDecoder.decode(topic: message.topic, payload: $0, now: Timestamp(milliseconds: Int64.max / 2))
      }), let sample = reading.samples.first
    else { return }
    // One line per 5 minutes of room time.
    guard sample.ts.milliseconds % 300_000 < 30_000 else { return }
    let temp = sample.tempC.map { String(format: "%5.2f °C", $0) } ?? "   -   "
    let rh = sample.rhPct.map { String(format: "%4.1f %% RH", $0) } ?? ""
    say("  \(clock(sample.ts))  \(reading.key.sensor)  \(temp)  \(rh)")
  }

  /// `10:40`: the time of day in the default site zone (Asia/Ho_Chi_Minh), as `coldtrace status` shows it.
  private static func clock(_ time: Timestamp) -> String {
    String(Language.en.dateTime(time, in: .configDefault).suffix(5))
  }
}

/// When the last message arrived.
private final class Heartbeat: Sendable {
  private let last = Mutex<Date>(Date())
  func beat() { last.withLock { $0 = Date() } }
  var secondsSinceLast: Double { last.withLock { Date().timeIntervalSince($0) } }
}
