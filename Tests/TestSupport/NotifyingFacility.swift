import Foundation

/// A broker and a running collector with one notification channel, `sms`, whose program appends every message it is
/// given to `sms.jsonl` and a line per run to `sms-runs` (messages grouped for a second): the setup of the tests that
/// count what people are told when many probes cross, or go dark, together. Call `stop()` in a `defer`.
public final class NotifyingFacility {
  public let broker: MosquittoBroker
  public let facility: Facility
  /// `--config` and the collector config's path, for `coldtrace` commands that read the channels and zones.
  public let config: [String]

  /// Every message the channel's program was given, one JSON line each.
  public var delivered: URL { facility.directory.appendingPathComponent("sms.jsonl") }
  /// One line per run of the channel's program.
  public var runs: URL { facility.directory.appendingPathComponent("sms-runs") }

  /// Starts the broker and the collector, its config `settings` (top-level lines, e.g. `group_wait_seconds = 60`)
  /// and the `sms` channel's table.
  public init(settings: String) throws {
    let broker = try MosquittoBroker()
    do {
      let facility = try Facility(broker: broker)
      let delivered = facility.directory.appendingPathComponent("sms.jsonl").path
      let runs = facility.directory.appendingPathComponent("sms-runs").path
      config = try facility.collectorConfig(
        """
        \(settings)

        [[notify]]
        name = "sms"
        command = ["/bin/sh", "-c", "cat >> '\(delivered)'; echo run >> '\(runs)'"]
        group_seconds = 1
        contacts = ["+84901234567"]
        """)
      try facility.startCollector(arguments: config)
      self.facility = facility
    } catch {
      broker.stop()
      throw error
    }
    self.broker = broker
  }

  public func stop() {
    facility.stopCollector()
    broker.stop()
  }

  /// The messages the program was given so far, one JSON line each (none before its first run).
  public func deliveredLines() -> [String] {
    ((try? String(contentsOf: delivered, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }

  /// How many times the program ran.
  public func runCount() -> Int {
    ((try? String(contentsOf: runs, encoding: .utf8)) ?? "").split(separator: "\n").count
  }
}

extension Facility {
  /// Runs a `coldtrace` command whose output is JSON lines (`status --json`, `notify status --json`) and returns its
  /// objects; a failed command throws with its error output.
  public func jsonObjects(_ arguments: [String]) throws -> [[String: Any]] {
    let result = try shell(arguments)
    guard result.status == 0 else {
      throw TestSupportError("coldtrace \(arguments.joined(separator: " ")): exit \(result.status): \(result.stderr)")
    }
    return result.stdout.split(separator: "\n").compactMap { line in
      try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }
  }
}
