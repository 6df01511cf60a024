import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

struct LotListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "Every lot, where it is and since when.", discussion: "Example: coldtrace lot list")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @Flag(help: "One JSON object per lot per line.") var json = false

  func run() throws {
    let zones = localTime.zones(try global.settings())
    let lots = try global.openStore().lots()
    if json {
      for lot in lots { print(LotJSON.line(lot)) }
      return
    }
    guard !lots.isEmpty else {
      print("no lots (add one with `coldtrace lot add`)")
      return
    }
    var table = TextTable("LOT", "PRODUCT", "MARKET", "WHERE", "SINCE", "STATE")
    for lot in lots {
      let last = lot.placements.last
      table.add(
        lot.id, lot.product, lot.market ?? "-", last.map { "\($0.site)/\($0.room)" } ?? "-",
        last.map { zones.minute($0.from, site: $0.site) } ?? "-", lot.isClosed ? "closed" : "open")
    }
    print(table.render())
    let since = lots.compactMap(\.placements.last)
    print(zones.statement(sites: since.map(\.site), times: since.map(\.from)))
  }
}

struct LotShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract:
      "One lot: its rooms over time, its imported legs, excursion budgets, cold treatment and the alerts that named it.",
    discussion: "Example: coldtrace lot show LT-2026-0612 --json")

  @OptionGroup var global: GlobalOptions
  @OptionGroup var localTime: LocalTimeOptions
  @Argument var lot: String
  @Flag(help: "One JSON object.") var json = false

  func run() throws {
    let id = try validated(lot, as: .lot, option: "lot")!
    let store = try global.openStore()
    guard let found = try store.lot(id) else { throw UsageError("no lot \(id) (see `coldtrace lot list`)") }
    var filter = AlertFilter()
    filter.lot = id
    let alerts = try store.alerts(filter)
    let rules = LotRulesView(
      profile: try global.settings().products.catalog.named(found.product),
      state: try store.lotRuleState(id) ?? LotRuleState())
    let legs = LotLegsView(legs: try store.importedLegSummaries(lot: id))
    if json {
      print(LotJSON.line(found, alerts: alerts, rules: rules, legs: legs))
      return
    }
    print(
      "lot \(found.id): \(found.product)\(found.market.map { " for \($0)" } ?? ""), \(found.isClosed ? "closed" : "open")"
    )
    let zones = localTime.zones(try global.settings())
    let site = found.placements.first?.site ?? ""
    var rooms = TextTable("ROOM", "FROM", "TO")
    for placement in found.placements {
      rooms.add(
        "\(placement.site)/\(placement.room)", zones.minute(placement.from, site: placement.site),
        placement.to.map { zones.minute($0, site: placement.site) } ?? "still there")
    }
    print(rooms.render())
    print("")
    if let table = legs.text(zones: zones, site: site) {
      print(table)
      print("")
    }
    for line in rules.text(zone: zones.zone(ofSite: site)) { print(line) }
    print(alerts.isEmpty ? "\nno alerts named this lot" : "\n" + AlertsCommand.table(alerts, zones: zones))
    let times = found.placements.flatMap { [$0.from] + ($0.to.map { [$0] } ?? []) } + legs.times
    print(zones.statement(sites: found.placements.map(\.site), times: times))
  }
}

/// Lots as JSON lines (`lot list --json`, `lot show --json`; docs/protocol.md, "JSON output of the shell").
enum LotJSON {
  static func line(
    _ lot: Lot, alerts: [AlertRecord]? = nil, rules: LotRulesView? = nil, legs: LotLegsView? = nil
  ) -> String {
    JSONObjectWriter.object { json in
      json.string("lot", lot.id)
      json.string("product", lot.product)
      json.string("market", lot.market)
      json.string("state", lot.isClosed ? "closed" : "open")
      json.string("from", lot.createdAt.rfc3339)
      json.string("to", lot.closedAt?.rfc3339)
      json.objects("rooms", lot.placements) { json, placement in
        json.string("site", placement.site)
        json.string("room", placement.room)
        json.string("from", placement.from.rfc3339)
        json.string("to", placement.to?.rfc3339)
      }
      rules?.writeJSONFields(to: &json)
      legs?.writeJSONField(to: &json)
      if let alerts { json.objects("alerts", alerts) { AlertMessage(alert: $1).write(to: &$0) } }
    }
  }
}
