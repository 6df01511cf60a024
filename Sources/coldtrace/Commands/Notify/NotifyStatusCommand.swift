import ArgumentParser
import ColdTraceCore
import ColdTraceStorage

struct NotifyStatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract:
      "Per channel: pending, held, delivered, failing, superseded, grouped and given-up notifications, the last error.",
    discussion: """
      held: waiting for their room's crossing group to be decided (group_wait_seconds); grouped: folded into a room
      alert's message, never sent on their own.

      Examples:
        coldtrace notify status --json
        coldtrace notify status --lang vi
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @OptionGroup var lang: LanguageOption
  @Flag(help: "One JSON object per channel per line.") var json = false

  func run() throws {
    let language = try lang.language()
    let settings = try global.settings()
    let configured = settings.notifications.map(\.name)
    let zones = localTime.zones(settings)
    var statuses = try global.openStore().notificationStatus()
    // A configured channel with nothing queued yet is shown too, with zeros.
    for name in configured where !statuses.contains(where: { $0.channel == name }) {
      statuses.append(NotificationChannelStatus(channel: name))
    }
    statuses.sort { $0.channel < $1.channel }
    if json {
      for status in statuses { print(Self.jsonLine(status)) }
    } else {
      print(Self.table(statuses, zones: zones, language: language))
    }
  }

  static func headers(_ language: Language) -> [String] {
    switch language {
    case .en:
      [
        "CHANNEL", "PENDING", "HELD", "DELIVERED", "FAILING", "SUPERSEDED", "GROUPED", "GIVEN UP", "OLDEST PENDING",
        "LAST ERROR",
      ]
    case .vi:
      [
        "KÊNH", "CHỜ GỬI", "TẠM GIỮ", "ĐÃ GỬI", "ĐANG LỖI", "ĐÃ THAY THẾ", "ĐÃ GỘP", "ĐÃ BỎ", "CHỜ TỪ LÚC",
        "LỖI GẦN NHẤT",
      ]
    }
  }

  /// The table and the line that states its zone, or one line when no channel has anything.
  static func table(_ statuses: [NotificationChannelStatus], zones: SiteTimeZones, language: Language) -> String {
    guard !statuses.isEmpty else {
      return language == .vi
        ? "chưa có thông báo nào trong hàng đợi (khai báo các kênh [[notify]] trong tệp cấu hình collector)"
        : "no notifications queued (configure [[notify]] channels in the collector config)"
    }
    let minute = { (time: Timestamp?) in time.map { language.dateTime($0, in: zones.zone(ofSite: "")) } ?? "-" }
    var table = TextTable()
    table.headers = headers(language)
    for status in statuses {
      let error = status.lastError.map { "\(minute(status.lastErrorAt)) \($0)" } ?? "-"
      let counts = [
        status.pending, status.held, status.delivered, status.failing, status.superseded, status.grouped,
        status.givenUp,
      ]
      table.rows.append([status.channel] + counts.map(String.init) + [minute(status.oldestPending), error])
    }
    let times = statuses.flatMap { [$0.oldestPending, $0.lastErrorAt].compactMap { $0 } }
    let now = Timestamp(milliseconds: 0)
    let statement = zones.statement(
      sites: [], from: times.min() ?? now, to: times.max() ?? now, language: language)
    return table.render() + "\n" + statement
  }

  /// `{"channel":"sms","pending":1,"delivered":40,"failing":1,"superseded":0,"given_up":0,"held":0,"grouped":6,
  /// "oldest_pending":…,"last_error":"exited with status 3: …","last_error_at":…}`; absent times and errors are
  /// `null`.
  static func jsonLine(_ status: NotificationChannelStatus) -> String {
    JSONObjectWriter.object { json in
      json.string("channel", status.channel)
      json.integer("pending", status.pending)
      json.integer("delivered", status.delivered)
      json.integer("failing", status.failing)
      json.integer("superseded", status.superseded)
      json.integer("given_up", status.givenUp)
      json.integer("held", status.held)
      json.integer("grouped", status.grouped)
      json.string("oldest_pending", status.oldestPending?.rfc3339)
      json.string("last_error", status.lastError)
      json.string("last_error_at", status.lastErrorAt?.rfc3339)
    }
  }
}
