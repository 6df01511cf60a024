import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem

struct LotCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lot",
    abstract: "Track lots: which product is in which room, and since when.",
    discussion: """
      A reading applies to every lot in its room at its timestamp; the lot's product decides the limits, and alerts
      name the lots affected.

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

/// Runs a lot change, turning a forbidden one into a usage error (exit 2, nothing changed).
func lotChange(_ body: () throws -> Lot) throws -> Lot {
  do {
    return try body()
  } catch let error as LotError {
    throw UsageError(error.description)
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
    guard let profile = BuiltInProfiles.named(product) else {
      let known = BuiltInProfiles.all.map(\.id).joined(separator: ", ")
      throw UsageError("unknown product \"\(product)\" (known: \(known))")
    }
    let place = try RoomArgument(room)
    if let market { _ = try validated(market, as: .lot, option: "--market") }
    let time = try parseTime(at, option: "--at") ?? WallClock.now()
    let store = try global.openStore(create: true)
    let added = try lotChange {
      try store.addLot(id, product: profile.id, market: market, site: place.site, room: place.room, at: time)
    }
    print("lot \(added.id) (\(added.product)) in \(place.site)/\(place.room) from \(time.rfc3339)")
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
    let moved = try lotChange { try global.openStore().moveLot(id, site: place.site, room: place.room, at: time) }
    print("lot \(moved.id) in \(place.site)/\(place.room) from \(time.rfc3339)")
  }
}

struct LotCloseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "close", abstract: "Close a lot: it has left the facility.",
    discussion: "Example: coldtrace lot close LT-2026-0612")

  @OptionGroup var global: GlobalOptions
  @Argument var lot: String
  @Option(help: ArgumentHelp("When (default: now).", valueName: "RFC3339|24h")) var at: String?

  func run() throws {
    let id = try validated(lot, as: .lot, option: "lot")!
    let time = try parseTime(at, option: "--at") ?? WallClock.now()
    let closed = try lotChange { try global.openStore().closeLot(id, at: time) }
    print("lot \(closed.id) closed at \(time.rfc3339)")
  }
}
