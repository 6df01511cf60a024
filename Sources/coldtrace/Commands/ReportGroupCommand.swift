import ArgumentParser

/// `coldtrace report`: a lot's report (the default: `coldtrace report <lot>`) or the offline check of a signed one
/// (`coldtrace report verify FILE --key coop.pub`).
struct ReportGroupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "A lot's report for the importer (`report <lot>`), or the check of a signed report (`report verify`).",
    discussion: """
      `coldtrace report <lot>` is `coldtrace report lot <lot>`: see `coldtrace report lot --help`. A lot whose id is
      `verify` or `lot` is reported with `coldtrace report lot <id>`.

      Examples:
        coldtrace report LT-2026-0612 --format html --lang vi --out LT-2026-0612.html
        coldtrace report LT-2026-0612 --format epcis --sign --out LT-2026-0612.jsonld
        coldtrace report verify LT-2026-0612.jsonld --key coop.pub
      """,
    subcommands: [ReportCommand.self, ReportVerifyCommand.self],
    defaultSubcommand: ReportCommand.self
  )
}
