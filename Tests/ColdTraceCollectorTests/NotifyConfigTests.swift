import ColdTraceConfig
import ColdTraceCore
import Testing

@testable import ColdTraceCollector

/// `[[notify]]` channels as read from a config, the deprecated `[notify]` table, and what the configuration journal
/// records of them.
struct NotifyConfigTests {
  private func load(_ text: String) throws -> CollectorConfigFile {
    try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: text))
  }

  @Test func aChannelReadsItsFiltersContactsEscalationAndQuietHours() throws {
    let file = try load(
      """
      [[notify]]
      name = "sms"
      command = ["/usr/local/bin/coldtrace-notify-sms"]
      contacts = ["+84901", "+84902"]
      rooms = ["hongxuan/cold2"]
      severities = ["critical"]
      kinds = ["temp_high", "offline"]
      escalate_after_minutes = 15
      escalate_contacts = ["+84999"]
      quiet_hours = "21:00-06:00"
      zone = "+07:00"
      give_up_hours = 48

      [[notify]]
      name = "email"
      command = ["/usr/local/lib/coldtrace/notify/email.sh"]
      """)
    #expect(file.notifications.map(\.name) == ["sms", "email"])
    let sms = file.notifications[0]
    #expect(sms.contacts == ["+84901", "+84902"] && sms.escalationContacts == ["+84999"])
    #expect(sms.route.rooms == ["hongxuan/cold2"] && sms.route.severities == [.critical])
    #expect(sms.route.kinds == [.tempHigh, .offline])
    #expect(sms.route.escalateAfterSeconds == 900 && sms.route.giveUpSeconds == 48 * 3600)
    #expect(sms.route.quietHours == QuietHours(fromMinute: 21 * 60, toMinute: 6 * 60, offsetMinutes: 420))
    let email = file.notifications[1].route
    #expect(email.sites.isEmpty && email.rooms.isEmpty && email.quietHours == nil && email.giveUpSeconds == 86_400)

    let settings = try file.configurationSnapshot().settings
    #expect(
      settings["notify sms"]
        == "command /usr/local/bin/coldtrace-notify-sms; rooms hongxuan/cold2; severities critical; "
        + "kinds offline,temp_high; contacts +84901,+84902; escalate after 15 min to +84999; "
        + "quiet hours 21:00-06:00 +07:00; give up after 48 h")
    #expect(settings["notify email"] == "command /usr/local/lib/coldtrace/notify/email.sh; give up after 24 h")
  }

  @Test func theDeprecatedNotifyTableIsOneChannelNamedDefault() throws {
    let file = try load("[notify]\ncommand = [\"/bin/true\"]\ngroup_seconds = 2\nretries = 3\n")
    #expect(file.notifications.map(\.name) == ["default"])
    #expect(
      file.notifications[0].groupingSeconds == 2 && file.notifications[0].route == NotificationRoute(channel: "default")
    )
    #expect(try load("").notifications.isEmpty)
  }
}
