import ArgumentParser

/// `coldtrace report`: a lot's report (the default: `coldtrace report <lot>`), a room's or a site's record over a
/// period (`coldtrace report room`), or the offline check of a signed report (`coldtrace report verify FILE --key
/// coop.pub`).
struct ReportGroupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "A lot's report (`report <lot>`), a room's record for inspectors (`report room`), or a signature check (`report verify`).",
    discussion: """
      `coldtrace report <lot>` is `coldtrace report lot <lot>`: see `coldtrace report lot --help`. A lot whose id is
      `verify`, `room` or `lot` is reported with `coldtrace report lot <id>`.

      Examples:
        coldtrace report LT-2026-0612 --format html --lang vi --out LT-2026-0612.html
        coldtrace report LT-2026-0612 --format epcis --sign --out LT-2026-0612.jsonld
        coldtrace report verify LT-2026-0612.jsonld --key coop.pub
        coldtrace report room hongxuan/cold2 --from 2026-06-10 --to 2026-06-12 --lang vi
      """,
    subcommands: [ReportCommand.self, RoomReportCommand.self, ReportVerifyCommand.self],
    defaultSubcommand: ReportCommand.self
  )
}
