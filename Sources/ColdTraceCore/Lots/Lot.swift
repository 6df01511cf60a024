/// A traceable batch of product (docs/README.md, "Glossary"), placed in rooms over time.
public struct Lot: Sendable, Equatable {
  /// One stay of the lot in a room: from `from` until `to` (`nil` while it is still there).
  public struct Placement: Sendable, Equatable {
    public var site: String
    public var room: String
    public var from: Timestamp
    public var to: Timestamp?

    public init(site: String, room: String, from: Timestamp, to: Timestamp? = nil) {
      self.site = site
      self.room = room
      self.from = from
      self.to = to
    }

    /// Whether the lot was in this room at `time`.
    public func covers(_ time: Timestamp) -> Bool { from <= time && to.map { time < $0 } ?? true }
  }

  public var id: String
  /// The product profile's id, e.g. `litchi`.
  public var product: String
  public var market: String?
  public var createdAt: Timestamp
  public var closedAt: Timestamp?
  /// Oldest first; at most the last one is open.
  public var placements: [Placement]

  public init(
    id: String, product: String, market: String?, createdAt: Timestamp, closedAt: Timestamp? = nil,
    placements: [Placement]
  ) {
    self.id = id
    self.product = product
    self.market = market
    self.createdAt = createdAt
    self.closedAt = closedAt
    self.placements = placements
  }

  public var isClosed: Bool { closedAt != nil }
  public var currentPlacement: Placement? { placements.last.flatMap { $0.to == nil ? $0 : nil } }
}

/// A lot change that the rules forbid, in words an operator can act on.
public struct LotError: Error, CustomStringConvertible, Equatable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
