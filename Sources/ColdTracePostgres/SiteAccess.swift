/// Which sites a cooperative's login role may see (`site_access`, migration 3), and its membership of the group roles
/// the row-level security policies name (`coldtrace_reader`, `coldtrace_ack`): `coldtrace access grant/list/revoke`.
///
/// The login role itself is made by the operator (`createuser --pwprompt coop_a`, or `CREATE ROLE coop_a LOGIN
/// PASSWORD …`), so no password passes through ColdTrace; granting to a role that does not exist, or cannot log in,
/// is refused. The connection's role must own the tables and needs ADMIN OPTION on the two group roles (which
/// deploy/postgresql/owner.sql gives the owner; it has no CREATEROLE) or to be a superuser: nothing here makes a role.
public enum SiteAccess {
  /// One role's access to one site.
  public struct Grant: Sendable, Equatable {
    public let role: String
    public let site: String
    public let canAck: Bool

    public init(role: String, site: String, canAck: Bool) {
      self.role = role
      self.site = site
      self.canAck = canAck
    }
  }

  /// Lets `role` see `sites` (and acknowledge their alerts when `ack`), in one transaction. Granting a site again
  /// replaces its `ack`: the grant says the role's access to that site.
  public static func grant(role: String, sites named: [String], ack: Bool, on connection: PostgresConnection) throws {
    var seen = Set<String>()
    let sites = named.filter { seen.insert($0).inserted }
    guard !sites.isEmpty else { throw SiteAccessError("name at least one site to grant") }
    try connection.transaction {
      let quoted = try loginRole(role, on: connection)
      let known = Set(
        try connection.execute("SELECT site FROM sites WHERE site = ANY($1::text[])", [.textArray(sites)]).rows.map {
          try $0.string(0)
        })
      if let unknown = sites.first(where: { !known.contains($0) }) {
        throw SiteAccessError("no site \(unknown) in the database")
      }
      try connection.execute(
        """
        INSERT INTO site_access (role, site, can_ack) SELECT $1, unnest($2::text[]), $3
        ON CONFLICT (role, site) DO UPDATE SET can_ack = EXCLUDED.can_ack, granted_at = now()
        """, [.text(role), .textArray(sites), .bool(ack)])
      try setMembership(of: role, quoted: quoted, in: "coldtrace_reader", true, on: connection)
      try updateAckMembership(role: role, quoted: quoted, on: connection)
    }
  }

  /// Takes away `role`'s access to `sites`, or to every site when `sites` is nil; a role left with no site leaves the
  /// group roles. Returns the number of sites taken away.
  @discardableResult
  public static func revoke(role: String, sites: [String]? = nil, on connection: PostgresConnection) throws -> Int {
    try connection.transaction {
      let quoted = try quotedRole(role, on: connection)
      let removed: Int
      if let sites {
        removed = try connection.execute(
          "DELETE FROM site_access WHERE role = $1 AND site = ANY($2::text[]) RETURNING site",
          [.text(role), .textArray(sites)]
        ).rows.count
      } else {
        removed = try connection.execute("DELETE FROM site_access WHERE role = $1 RETURNING site", [.text(role)]).rows
          .count
      }
      let left = try connection.execute("SELECT count(*) FROM site_access WHERE role = $1", [.text(role)]).rows[0]
        .int64(0)
      if left == 0, let quoted {
        try setMembership(of: role, quoted: quoted, in: "coldtrace_reader", false, on: connection)
      }
      if let quoted { try updateAckMembership(role: role, quoted: quoted, on: connection) }
      return removed
    }
  }

  /// Every grant, by role and site.
  public static func list(on connection: PostgresConnection) throws -> [Grant] {
    try connection.execute("SELECT role, site, can_ack FROM site_access ORDER BY role, site").rows.map {
      Grant(role: try $0.string(0), site: try $0.string(1), canAck: try $0.bool(2))
    }
  }

  /// `role` quoted as an SQL identifier by the server, after checking it exists and may log in.
  static func loginRole(_ role: String, on connection: PostgresConnection) throws -> String {
    let row = try connection.execute(
      "SELECT rolcanlogin, quote_ident(rolname) FROM pg_roles WHERE rolname = $1", [.text(role)]
    ).single()
    guard let row else {
      throw SiteAccessError(
        "no role \(role) in the server: create its login first (createuser --pwprompt \(role))")
    }
    guard try row.bool(0) else {
      throw SiteAccessError("role \(role) cannot log in: a cooperative's role is a login role (ALTER ROLE … LOGIN)")
    }
    return try row.string(1)
  }

  /// `role` quoted as an SQL identifier, or nil when no such role exists (its grants may outlive it).
  static func quotedRole(_ role: String, on connection: PostgresConnection) throws -> String? {
    try connection.execute("SELECT quote_ident(rolname) FROM pg_roles WHERE rolname = $1", [.text(role)]).single()?
      .string(0)
  }

  /// Puts the role in `coldtrace_ack` while it may acknowledge at some site, and takes it out otherwise.
  static func updateAckMembership(role: String, quoted: String, on connection: PostgresConnection) throws {
    let acks = try connection.execute(
      "SELECT count(*) FROM site_access WHERE role = $1 AND can_ack", [.text(role)]
    ).rows[0].int64(0)
    try setMembership(of: role, quoted: quoted, in: "coldtrace_ack", acks > 0, on: connection)
  }

  /// Makes `role` a member of `group` or not; only a change is sent (the server would otherwise print a notice).
  static func setMembership(
    of role: String, quoted: String, in group: String, _ member: Bool, on connection: PostgresConnection
  ) throws {
    let current = try connection.execute(
      """
      SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
        JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = $1 AND r.rolname = $2)
      """, [.text(group), .text(role)]
    ).rows[0].bool(0)
    guard current != member else { return }
    try connection.execute(member ? "GRANT \(group) TO \(quoted)" : "REVOKE \(group) FROM \(quoted)")
  }
}

/// A grant or revoke that names something that does not exist or cannot be granted: bad input, one line.
public struct SiteAccessError: Error, CustomStringConvertible, Equatable {
  public let description: String
  init(_ description: String) { self.description = description }
}
