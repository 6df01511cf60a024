import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation

/// `coldtrace probe pending`: the probes whose readings the registry keeps in quarantine (docs/protocol.md, "The
/// probe registry").
struct ProbePendingCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pending",
    abstract: "Unknown probes whose readings wait in quarantine: first and last seen, messages, why.",
    discussion: """
      A probe is unknown when no agent announced it, no operator approved it, and its site's probe_policy is
      "hold" or its max_probes is reached. Approve it to store its readings from now on, or reject it to keep them
      in quarantine without a log line.

      Example: coldtrace probe pending --site hongxuan
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @Option(help: "Only this site's probes.") var site: String?
  @Flag(help: "Rejected probes too.") var all = false
  @Flag(help: "One JSON object per probe per line.") var json = false

  func run() throws {
    let site = try validated(site, as: .site, option: "--site")
    let zones = localTime.zones(try global.settings())
    let pending = try global.openStore().pendingProbes(site: site, rejected: all)
    if json {
      for probe in pending { print(Self.line(probe)) }
      return
    }
    guard !pending.isEmpty else {
      print("no unknown probes are waiting")
      return
    }
    var table = TextTable("PROBE", "ROOM", "FIRST SEEN", "LAST SEEN", "MESSAGES", "STATE")
    for probe in pending {
      let site = probe.probe.site
      table.add(
        "\(site)/\(probe.probe.sensor)", probe.room, zones.minute(probe.firstSeen, site: site),
        zones.minute(probe.lastSeen, site: site), String(probe.messages), probe.rejected ? "rejected" : probe.reason)
    }
    print(table.render())
    print(zones.statement(sites: pending.map(\.probe.site), times: pending.flatMap { [$0.firstSeen, $0.lastSeen] }))
  }

  static func line(_ probe: PendingProbe) -> String {
    JSONObjectWriter.object { json in
      json.string("site", probe.probe.site)
      json.string("sensor", probe.probe.sensor)
      json.string("room", probe.room)
      json.string("first_seen", probe.firstSeen.rfc3339)
      json.string("last_seen", probe.lastSeen.rfc3339)
      json.integer("messages", probe.messages)
      json.string("state", probe.rejected ? "rejected" : "pending")
      json.string("reason", probe.reason)
    }
  }
}

struct ProbeApproveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "approve",
    abstract: "Register a probe: its readings are stored from the collector's next timer round on.",
    discussion: """
      The room defaults to the one its latest quarantined reading named. Readings kept in quarantine before stay
      there. An approval may take a site past its max_probes.

      Example: coldtrace probe approve hongxuan/cold3-air --room cold3 --by lan
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: ArgumentHelp("The probe.", valueName: "site/sensor")) var probe: String
  @Option(help: "The room it hangs in (default: the room its readings named).") var room: String?
  @Option(help: "Who approves it (default: $USER).") var by: String?

  func run() throws {
    let target = try ProbeArgument(probe)
    let room = try validated(room, as: .room, option: "--room")
    let person = try checkedText(by ?? operatorName(), option: "--by")
    let time = WallClock.now()
    _ = try probeChange(global) { tx in
      try tx.approveProbe(target.probe, room: room, by: person, at: time)
      return []
    }
    print("probe \(target.name) registered at \(time.rfc3339)")
  }
}

struct ProbeRejectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reject",
    abstract: "Refuse an unknown probe: its readings stay in quarantine, counted, without a log line.",
    discussion: "Example: coldtrace probe reject hongxuan/0x00158d0001a2b3c4 --by lan")

  @OptionGroup var global: GlobalOptions
  @Argument(help: ArgumentHelp("The probe.", valueName: "site/sensor")) var probe: String
  @Option(help: "Who rejects it (default: $USER).") var by: String?

  func run() throws {
    let target = try ProbeArgument(probe)
    let person = try checkedText(by ?? operatorName(), option: "--by")
    let time = WallClock.now()
    _ = try probeChange(global) { tx in
      try tx.rejectProbe(target.probe, by: person, at: time)
      return []
    }
    print("probe \(target.name) rejected at \(time.rfc3339)")
  }
}

/// Who runs the shell, for the journal when `--by` is not given.
private func operatorName() -> String {
  guard let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty else { return "operator" }
  return user
}
