import ColdTraceMQTT
import Foundation
import Synchronization
import TestSupport

/// A publisher of many readings as fast as the broker takes them (QoS 1), counting its PUBACKs: the misconfigured
/// site of the site-limit tests (a bridge with a counter in its topic, a publisher in a loop).
final class SiteFloodPublisher: @unchecked Sendable {
  let client: MosquittoClient
  private let acknowledged = Atomic<Int>(0)
  private(set) var sent = 0

  init(broker: MosquittoBroker, clientID: String) throws {
    client = try MosquittoClient(
      options: ClientOptions(clientID: clientID, broker: try BrokerAddress(url: broker.url)))
    client.start()
    guard eventually(timeout: 20, { self.client.isConnected }) else {
      throw TestSupportError("the flood publisher did not connect")
    }
  }

  // The PUBACK callbacks hold the publisher weakly: its last release must not happen on the client's own network
  // thread (a callback), from which `stop()` may not be called (CI crashed so once).
  deinit { client.stop() }

  var acknowledgedCount: Int { acknowledged.load(ordering: .relaxed) }

  /// Publishes one reading of `temp_c` stamped `secondsAgo` before now on `topic`.
  func publish(_ topic: String, tempC: Double = 3.4, secondsAgo: Double = 30) throws {
    let ts = Int(Date().timeIntervalSince1970 - secondsAgo)
    _ = try client.publish(topic: topic, payload: Array(#"{"v":1,"ts":\#(ts),"temp_c":\#(tempC)}"#.utf8)) {
      [weak self] _ in self?.acknowledged.add(1, ordering: .relaxed)
    }
    sent += 1
  }

  /// Publishes one reading of `temp_c` stamped `ts` (seconds since the epoch) on `topic`.
  func publish(_ topic: String, tempC: Double, ts: Int) throws {
    _ = try client.publish(topic: topic, payload: Array(#"{"v":1,"ts":\#(ts),"temp_c":\#(tempC)}"#.utf8)) {
      [weak self] _ in self?.acknowledged.add(1, ordering: .relaxed)
    }
    sent += 1
  }

  /// Waits until the broker acknowledged everything sent (the collector then has it queued or kept).
  func waitForAcknowledgements(timeout: Double) -> Bool {
    eventually(timeout: timeout) { self.acknowledgedCount >= self.sent }
  }
}

/// The resident memory of process `pid` in kB (`VmRSS` of /proc/<pid>/status).
func residentKilobytes(of pid: pid_t) -> Int? {
  guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
  for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
  }
  return nil
}
