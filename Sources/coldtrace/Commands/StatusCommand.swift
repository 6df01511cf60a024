import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Latest reading, its age and the open alerts of every sensor, per room.",
    discussion: "Example: coldtrace status"
  )

  @OptionGroup var global: GlobalOptions
  @Flag(help: "One JSON object per sensor per line.") var json = false

  func run() throws {
    let statuses = try global.openStore().sensorStatus()
    let now = WallClock.now()
    if json {
      for status in statuses { print(Self.json(status, now: now)) }
      return
    }
    guard !statuses.isEmpty else {
      print("no sensors have reported yet")
      return
    }
    var table = TextTable("SITE/ROOM", "SENSOR", "TEMP °C", "RH %", "AGE", "READINGS", "ALERTS")
    for status in statuses {
      let latest = status.latest
      let alerts = status.openAlerts.map { "\($0.severity.rawValue) \($0.kind.rawValue) #\($0.id)" }
      table.add(
        "\(status.key.site)/\(status.key.room)", status.key.sensor,
        latest?.error != nil ? "fault" : formatted(latest?.tempC, decimals: 2), formatted(latest?.rhPct),
        latest.map { Self.age(now.seconds(since: $0.ts)) } ?? "-", String(status.readingCount),
        alerts.isEmpty ? "ok" : alerts.joined(separator: ", "))
    }
    print(table.render())
  }

  static func age(_ seconds: Double) -> String {
    switch seconds {
    case ..<0: return "future"
    case ..<120: return "\(Int(seconds)) s"
    case ..<7200: return "\(Int(seconds / 60)) min"
    case ..<172_800: return "\(Int(seconds / 3600)) h"
    default: return "\(Int(seconds / 86_400)) d"
    }
  }

  static func json(_ status: SensorStatus, now: Timestamp) -> String {
    let latest = status.latest
    let fields: [(String, String)] = [
      ("site", JSONText.quoted(status.key.site)),
      ("room", JSONText.quoted(status.key.room)),
      ("sensor", JSONText.quoted(status.key.sensor)),
      ("agent", status.agent.map(JSONText.quoted) ?? "null"),
      ("ts", latest.map { JSONText.quoted($0.ts.rfc3339) } ?? "null"),
      ("age_s", latest.map { JSONText.number((now.seconds(since: $0.ts)).rounded()) } ?? "null"),
      ("temp_c", latest?.tempC.map(JSONText.number) ?? "null"),
      ("rh_pct", latest?.rhPct.map(JSONText.number) ?? "null"),
      ("error", latest?.error.map(JSONText.quoted) ?? "null"),
      ("readings", String(status.readingCount)),
      ("open_alerts", "[" + status.openAlerts.map { $0.jsonLine() }.joined(separator: ",") + "]"),
    ]
    return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
  }
}
