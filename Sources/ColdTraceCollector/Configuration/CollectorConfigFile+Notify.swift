import ColdTraceConfig
import ColdTraceCore

extension CollectorConfigFile {
  /// Reads the notification channels: `[[notify]]` tables, or the deprecated single `[notify]` table as one channel
  /// named `default` (its `retries` is accepted and ignored: the outbox retries until `give_up_hours`). Every value is
  /// checked; the first bad one is refused with its file and key.
  static func notificationChannels(_ config: ConfigTable) throws(ConfigError) -> [NotificationHook.Settings] {
    guard config.keys.contains("notify") else { return [] }
    if let single = try? config.table("notify") {
      try single.rejectUnknownKeys(allowed: ["command", "group_seconds", "timeout_seconds", "retries"])
      _ = try single.int("retries", .within(0...100))
      return [try channel(single, name: "default")]
    }
    var channels: [NotificationHook.Settings] = []
    for table in try config.tables("notify") {
      try table.rejectUnknownKeys(allowed: [
        "name", "command", "sites", "rooms", "severities", "kinds", "contacts", "group_seconds", "timeout_seconds",
        "give_up_hours", "escalate_after_minutes", "escalate_contacts", "quiet_hours", "zone",
      ])
      guard let name = try table.string("name"), Identifier.isValid(name, as: .room) else {
        throw table.invalid("name", "must be an id (1–64 characters of A-Z a-z 0-9 . _ -)")
      }
      guard !channels.contains(where: { $0.name == name }) else { throw table.invalid("name", "is used twice") }
      var channel = try channel(table, name: name)
      try routing(table, into: &channel)
      channels.append(channel)
    }
    return channels
  }

  /// The keys the old `[notify]` table and a `[[notify]]` entry share: the program, grouping and timeout.
  private static func channel(_ table: ConfigTable, name: String) throws(ConfigError) -> NotificationHook.Settings {
    guard let command = try table.strings("command"), command.first?.hasPrefix("/") == true else {
      throw table.invalid("command", "must be an array whose first element is the program's absolute path")
    }
    var channel = NotificationHook.Settings(name: name, command: command)
    channel.groupingSeconds = try table.double("group_seconds", .within(0...3600), default: channel.groupingSeconds)
    channel.timeoutSeconds = try table.double(
      "timeout_seconds", .within(0.1...3600), default: channel.timeoutSeconds)
    return channel
  }

  /// Filters, contacts, give-up time, escalation and quiet hours of a `[[notify]]` entry.
  private static func routing(_ table: ConfigTable, into channel: inout NotificationHook.Settings) throws(ConfigError) {
    for site in try table.strings("sites") ?? [] where !Identifier.isValid(site, as: .site) {
      throw table.invalid("sites", "must list site ids (got \"\(site)\")")
    }
    channel.route.sites = Set(try table.strings("sites") ?? [])
    for room in try table.strings("rooms") ?? [] {
      let parts = room.split(separator: "/", omittingEmptySubsequences: false)
      guard parts.count == 2, Identifier.isValid(parts[0], as: .site), Identifier.isValid(parts[1], as: .room) else {
        throw table.invalid("rooms", "must list rooms written \"<site>/<room>\" (got \"\(room)\")")
      }
      channel.route.rooms.insert(room)
    }
    for text in try table.strings("severities") ?? [] {
      guard let severity = Severity(rawValue: text) else {
        throw table.invalid("severities", "must list warning or critical (got \"\(text)\")")
      }
      channel.route.severities.insert(severity)
    }
    for text in try table.strings("kinds") ?? [] {
      guard let kind = AlertKind(rawValue: text) else {
        let known = AlertKind.allCases.map(\.rawValue).joined(separator: ", ")
        throw table.invalid("kinds", "must list alert kinds among \(known) (got \"\(text)\")")
      }
      channel.route.kinds.insert(kind)
    }
    channel.contacts = try contacts(table, "contacts")
    channel.escalationContacts = try contacts(table, "escalate_contacts")
    channel.route.giveUpSeconds =
      try table.double("give_up_hours", .within(0.001...720, "30 days"), default: 24) * 3600
    if let minutes = try table.double("escalate_after_minutes", .within(0.01...10_080, "a week")) {
      guard !channel.escalationContacts.isEmpty else {
        throw table.invalid("escalate_contacts", "must list who is told when an alert is escalated")
      }
      channel.route.escalateAfterSeconds = minutes * 60
    } else if !channel.escalationContacts.isEmpty {
      throw table.invalid("escalate_after_minutes", "is missing (escalate_contacts needs it)")
    }
    var offset = 7 * 60
    if let zone = try table.string("zone") {
      guard let minutes = MaintenanceWindow.offset(of: zone) else {
        throw table.invalid("zone", "must be a UTC offset such as \"+07:00\" or \"Z\" (got \"\(zone)\")")
      }
      offset = minutes
    }
    if let text = try table.string("quiet_hours") {
      guard let quiet = QuietHours.parse(text, offsetMinutes: offset) else {
        throw table.invalid("quiet_hours", "must be two different times \"HH:MM-HH:MM\" (got \"\(text)\")")
      }
      channel.route.quietHours = quiet
    }
  }

  /// A list of contacts (phone numbers, addresses): each 1–200 characters, no commas or control characters, since
  /// the program gets them comma-separated in one environment variable.
  private static func contacts(_ table: ConfigTable, _ key: String) throws(ConfigError) -> [String] {
    let list = try table.strings(key) ?? []
    for contact in list {
      guard !contact.isEmpty, contact.count <= 200, !contact.contains(","),
        !contact.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
      else {
        throw table.invalid(key, "must list contacts of 1–200 characters without commas or control characters")
      }
    }
    return list
  }
}

extension NotificationHook.Settings {
  /// One line for the configuration journal: what the channel is given and whom it tells.
  public var summary: String {
    var parts = ["command \(command.joined(separator: " "))"]
    let route = self.route
    if !route.sites.isEmpty { parts.append("sites \(route.sites.sorted().joined(separator: ","))") }
    if !route.rooms.isEmpty { parts.append("rooms \(route.rooms.sorted().joined(separator: ","))") }
    if !route.severities.isEmpty {
      parts.append("severities \(route.severities.map(\.rawValue).sorted().joined(separator: ","))")
    }
    if !route.kinds.isEmpty { parts.append("kinds \(route.kinds.map(\.rawValue).sorted().joined(separator: ","))") }
    if !contacts.isEmpty { parts.append("contacts \(contacts.joined(separator: ","))") }
    if let after = route.escalateAfterSeconds {
      parts.append("escalate after \(JSONText.number(after / 60)) min to \(escalationContacts.joined(separator: ","))")
    }
    if let quiet = route.quietHours { parts.append("quiet hours \(quiet.summary)") }
    parts.append("give up after \(JSONText.number(route.giveUpSeconds / 3600)) h")
    return parts.joined(separator: "; ")
  }
}
