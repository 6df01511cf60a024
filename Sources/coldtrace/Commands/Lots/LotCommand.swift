import ArgumentParser
import ColdTraceCollector
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

struct LotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lot",
    abstract: "Track lots: which product is in which room, and since when.",
    discussion: """
      A reading applies to every lot in its room at its timestamp; the lot's product decides the limits, and alerts
      name the lots affected. Each lot has its own excursion budget and cold-treatment clock; a lot added or moved
      with a past --at is evaluated over the readings already stored (budget, treatment; band alerts of the past
      are not raised again). Every lot change is a line of the alert journal.

      Examples:
        coldtrace lot add LT-2026-0612 --product litchi --room hongxuan/cold2 --market eu
        coldtrace lot move LT-2026-0612 --room hongxuan/cold3 --at 2026-06-14T08:00:00+07:00
        coldtrace lot show LT-2026-0612
      """,
    subcommands: [
      LotAddCommand.self, LotMoveCommand.self, LotCloseCommand.self, LotListCommand.self, LotShowCommand.self,
    ]
  )
}

/// `--room site/room`, validated.
struct RoomArgument {
  let site: String
  let room: String

  init(_ text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let site = parts.first, let room = parts.last else {
      throw UsageError("--room must be <site>/<room>, e.g. hongxuan/cold2, not \"\(text)\"")
    }
    self.site = try validated(String(site), as: .site, option: "--room")!
    self.room = try validated(String(room), as: .room, option: "--room")!
  }
}

/// Runs a lot change in one transaction, turning a forbidden one into a usage error (exit 2, nothing changed), then
/// brings the journal file up to date. `body` returns the lot, the room and time from which the stored readings are
/// evaluated for it (a lot placed in the past), and the alert events the change itself caused.
func lotChange(
  _ global: GlobalOptions, create: Bool = false,
  _ body: (WriteTransaction) throws -> (
    lot: Lot, catchUp: (site: String, room: String, from: Timestamp)?, alerts: [RecordedEvent]
  )
) throws -> (lot: Lot, alerts: [RecordedEvent]) {
  let settings = try global.settings()
  let store = try global.openStore(create: create)
  let result: (Lot, [RecordedEvent])
  do {
    result = try store.write { tx in
      let (lot, catchUp, caused) = try body(tx)
      guard let catchUp else { return (lot, caused) }
      var rules = LotRuleRunner(
        products: settings.products, tx: tx, placementOverrides: settings.placements)
      let alerts = try rules.catchUp(
        lot: lot.id, product: lot.product, site: catchUp.site, room: catchUp.room, from: catchUp.from,
        conditions: settings.roomConditions)
      try rules.save()
      return (lot, caused + alerts)
    }
  } catch let error as LotError {
    throw UsageError(error.description)
  }
  do {
    try AlertJournal(path: settings.journal ?? AlertJournal.defaultPath(forDatabase: store.path)).catchUp(from: store)
  } catch {
    // The change is stored; the collector writes the journal lines at its next catch-up.
    StandardError.write("coldtrace: warning: \(error); the journal will catch up later\n")
  }
  return result
}

/// Prints the alerts a lot change raised or resolved, one line each.
func printLotAlerts(_ alerts: [RecordedEvent]) {
  for recorded in alerts {
    let alert = recorded.alert
    print("alert \(alert.id) \(alert.kind.rawValue) \(alert.state.rawValue): \(alert.message)")
  }
}

struct LotAddCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Register a lot in a room.",
    discussion: "Example: coldtrace lot add LT-2026-0612 --product litchi --room hongxuan/cold2")

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The lot id (1–64 of A-Z a-z 0-9 . _ -).") var lot: String
  @Option(help: "The product profile (see `coldtrace products`).") var product: String
  @Option(help: ArgumentHelp("Where it is stored.", valueName: "site/room")) var room: String
  @Option(help: "The market it is going to, e.g. eu, us, jp.") var market: String?
  @Option(help: ArgumentHelp("When it entered the room (default: now).", valueName: "RFC3339|24h")) var at: String?

  func run() throws {
    let id = try validated(lot, as: .lot, option: "lot")!
    let catalog = try global.settings().products.catalog
    guard let profile = catalog.named(product) else {
      let known = catalog.ids.joined(separator: ", ")
      throw UsageError("unknown product \"\(product)\" (known: \(known))")
    }
    let place = try RoomArgument(room)
    if let market { _ = try validated(market, as: .lot, option: "--market") }
    let time = try parseTime(at, option: "--at") ?? WallClock.now()
    let (added, alerts) = try lotChange(global, create: true) { tx in
      let lot = try tx.addLot(id, product: profile.id, market: market, site: place.site, room: place.room, at: time)
      return (lot, (place.site, place.room, time), [])
    }
    print("lot \(added.id) (\(added.product)) in \(place.site)/\(place.room) from \(time.rfc3339)")
    printLotAlerts(alerts)
  }
}

struct LotMoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "move", abstract: "Move a lot to another room.",
    discussion: "Example: coldtrace lot move LT-2026-0612 --room hongxuan/cold3")

  @OptionGroup var global: GlobalOptions
  @Argument var lot: String
  @Option(help: ArgumentHelp("Where it goes.", valueName: "site/room")) var room: String
  @Option(help: ArgumentHelp("When (default: now).", valueName: "RFC3339|24h")) var at: String?

  func run() throws {
    let id = try validated(lot, as: .lot, option: "lot")!
    let place = try RoomArgument(room)
    let time = try parseTime(at, option: "--at") ?? WallClock.now()
    let (moved, alerts) = try lotChange(global) { tx in
      (try tx.moveLot(id, site: place.site, room: place.room, at: time), (place.site, place.room, time), [])
    }
    print("lot \(moved.id) in \(place.site)/\(place.room) from \(time.rfc3339)")
    printLotAlerts(alerts)
  }
}

struct LotCloseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "close", abstract: "Close a lot: it has left the facility; its budget and treatment alerts resolve.",
    discussion: "Example: coldtrace lot close LT-2026-0612")

  @OptionGroup var global: GlobalOptions
  @Argument var lot: String
  @Option(help: ArgumentHelp("When (default: now).", valueName: "RFC3339|24h")) var at: String?

  func run() throws {
    let id = try validated(lot, as: .lot, option: "lot")!
    let time = try parseTime(at, option: "--at") ?? WallClock.now()
    let (closed, alerts) = try lotChange(global) { tx in
      let (lot, resolved) = try tx.closeLot(id, at: time)
      return (lot, nil, resolved)
    }
    print("lot \(closed.id) closed at \(time.rfc3339)")
    printLotAlerts(alerts)
  }
}
