/// Ownership of one collector slot (docs/postgresql.md, "Slots, ownership and fencing"): a session advisory lock held
/// by this lease's own connection, plus the slot's epoch in `collector_slots`, bumped by each new owner.
///
/// - Exactly one session holds the lock of a slot; it is released when that session ends for any reason: the process
///   died (the kernel closes its socket), the connection broke, or the server ended it.
/// - The lock session sets `idle_session_timeout` to the lease: an owner calls `renew()` (a round trip) more often
///   than that, and an owner that stops answering (paused by SIGSTOP, a VM frozen, a process hung) has its session
///   ended by the server after `leaseSeconds`, which frees the slot for another host.
/// - Whoever gets the lock then bumps the epoch (`acquire`); the writers of the slot check it in every transaction
///   (`SlotWriter`, `coldtrace_fence`), so an old owner's writer connection, still open, cannot write after a takeover.
///
/// Like every `PostgresConnection`, a lease is owned by one thread.
public final class SlotLease {
  public let slot: Int32
  /// Who owns the slot when this lease holds it, as `collector_slots.owner` shows it (a host and process).
  public let owner: String
  public let leaseSeconds: Double
  /// The epoch this lease took the slot at; `nil` until `acquire` succeeds.
  public private(set) var epoch: Int64?
  private let session: PostgresConnection

  /// The advisory lock's first key: the slot is the second (`pg_advisory_lock(int, int)`), so slot locks cannot meet
  /// other users' single-key locks.
  static let lockSpace: Int32 = 0x436F_6C64  // "Cold"

  public init(url: String, slot: Int32, owner: String, leaseSeconds: Double = 5) throws {
    precondition(leaseSeconds >= 1, "a lease shorter than a second would end healthy sessions")
    self.slot = slot
    self.owner = owner
    self.leaseSeconds = leaseSeconds
    session = try PostgresConnection(url: url, applicationName: "coldtrace slot \(slot) lock: \(owner)")
    try session.execute(
      "SELECT set_config('idle_session_timeout', $1, false)", [.text("\(Int(leaseSeconds * 1000))ms")])
  }

  /// The lock session's server process (what `pg_terminate_backend` would end).
  public var lockBackendPID: Int32 { session.backendPID }

  /// Takes the slot if no one holds it: returns the new epoch, or `nil` when another session holds the lock.
  public func tryAcquire() throws -> Int64? {
    let locked = try session.execute(
      "SELECT pg_try_advisory_lock($1, $2)", [.int(Self.lockSpace), .int(slot)]
    ).rows[0].bool(0)
    return locked ? try bumpEpoch() : nil
  }

  /// Waits up to `timeoutSeconds` for the slot's lock (a standby collector waiting for an owner to die), then bumps
  /// the epoch; `nil` when the time ran out. The wait ends the moment the holder's session ends.
  public func acquire(timeoutSeconds: Double) throws -> Int64? {
    try session.execute("SELECT set_config('lock_timeout', $1, false)", [.text("\(Int(timeoutSeconds * 1000))ms")])
    defer { _ = try? session.execute("SELECT set_config('lock_timeout', '0', false)") }
    do {
      try session.execute("SELECT pg_advisory_lock($1, $2)", [.int(Self.lockSpace), .int(slot)])
    } catch let error as PostgresError where error.sqlState == "55P03" {
      return nil  // lock_not_available: the timeout passed
    }
    return try bumpEpoch()
  }

  /// Proves the lease is alive (one round trip, which resets the server's idle timer); throws once the session is
  /// gone, and then the slot is no longer this owner's.
  public func renew() throws {
    do {
      try session.execute("SELECT 1")
    } catch let error as PostgresError {
      epoch = nil
      throw PostgresError(
        error.kind, sqlState: error.sqlState,
        message: "slot \(slot) lost: its lock session ended (\(error.message))")
    }
  }

  /// Whether this lease's session still holds the slot's lock.
  public func holdsLock() throws -> Bool {
    try session.execute(
      """
      SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
        AND classid = $1::oid AND objid = $2::oid AND objsubid = 2 AND granted)
      """, [.int(Int64(UInt32(bitPattern: Self.lockSpace))), .int(slot)]
    ).rows[0].bool(0)
  }

  /// Releases the slot (a clean stop): the lock first, so a standby takes over at once.
  public func release() throws {
    try session.execute("SELECT pg_advisory_unlock($1, $2)", [.int(Self.lockSpace), .int(slot)])
    epoch = nil
  }

  /// With the lock held: the slot's next epoch, owner and time. A transaction of the old owner that passed its fence
  /// holds the row FOR SHARE, and this waits until it ends (committed under the old epoch, or ended by the server's
  /// `idle_in_transaction_session_timeout` if its process is paused).
  private func bumpEpoch() throws -> Int64 {
    let next = try session.execute(
      """
      INSERT INTO collector_slots (slot, epoch, owner, since) VALUES ($1, 1, $2, now())
      ON CONFLICT (slot) DO UPDATE SET epoch = collector_slots.epoch + 1, owner = EXCLUDED.owner, since = now()
      RETURNING epoch
      """, [.int(slot), .text(owner)]
    ).rows[0].int64(0)
    epoch = next
    return next
  }
}
