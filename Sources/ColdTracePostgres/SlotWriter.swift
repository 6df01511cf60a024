import ColdTraceCore

/// The write connection of a slot's owner: every transaction starts with the fence (`coldtrace_fence`), so it
/// commits only while the slot's epoch is still this writer's, and fails with a `.fenced` error, writing nothing,
/// once another owner took the slot.
///
/// Its session sets `idle_in_transaction_session_timeout`: a writer paused in the middle of a transaction (holding
/// the slot's row FOR SHARE) is ended by the server, so a takeover waits for it at most that long.
///
/// Owned by one thread, like its connection.
public final class SlotWriter {
  public let slot: Int32
  public let epoch: Int64
  let connection: PostgresConnection
  /// The months known to exist as partitions of `readings` (first days, in milliseconds).
  var ensuredMonths: Set<Int64> = []

  public init(url: String, slot: Int32, epoch: Int64, idleInTransactionSeconds: Double = 5) throws {
    self.slot = slot
    self.epoch = epoch
    connection = try PostgresConnection(url: url, applicationName: "coldtrace slot \(slot) writer, epoch \(epoch)")
    try connection.execute(
      "SELECT set_config('idle_in_transaction_session_timeout', $1, false)",
      [.text("\(Int(idleInTransactionSeconds * 1000))ms")])
  }

  /// The writer session's server process.
  public var backendPID: Int32 { connection.backendPID }

  /// Creates the partitions of the month holding `now` and of the month after it, ahead of the readings that will
  /// need them (the collector calls it at start and at each month's turn).
  public func createMonthsAhead(now: Timestamp) throws {
    let thisMonth = try ensureMonth(containing: now.milliseconds)
    _ = try ensureMonth(containing: thisMonth.nextMonthStart)
  }

  /// Runs `body` in one fenced transaction: committed when it returns, rolled back when it throws.
  @discardableResult
  public func write<T>(_ body: (SlotTransaction) throws -> T) throws -> T {
    let transaction = SlotTransaction(writer: self)
    let value = try connection.transaction {
      try connection.execute("SELECT coldtrace_fence($1, $2)", [.int(slot), .int(epoch)])
      return try body(transaction)
    }
    // Only now: a month made in a transaction that rolled back is not there.
    ensuredMonths.formUnion(transaction.monthsMade)
    return value
  }

  /// The month's first instant for `milliseconds`, after making sure its partition exists (outside a transaction:
  /// committed at once).
  @discardableResult
  func ensureMonth(containing milliseconds: Int64) throws -> MonthStart {
    let month = MonthStart(containing: milliseconds)
    if !ensuredMonths.contains(month.milliseconds) {
      try ReadingPartitions.ensureMonth(containing: month.milliseconds, on: connection)
      ensuredMonths.insert(month.milliseconds)
    }
    return month
  }
}

/// The first instant of a UTC calendar month, in milliseconds since the epoch (the partitions' bounds).
struct MonthStart: Hashable {
  let milliseconds: Int64
  let year: Int
  let month: Int

  init(containing milliseconds: Int64) {
    let day = Self.floorDivide(milliseconds, 86_400_000)
    let (year, month, _) = Self.civil(fromDays: day)
    self.init(year: year, month: month)
  }

  init(year: Int, month: Int) {
    self.year = year
    self.month = month
    milliseconds = Self.days(year: year, month: month, day: 1) * 86_400_000
  }

  /// `2026-12`.
  var text: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

  var nextMonthStart: Int64 {
    MonthStart(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1).milliseconds
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
  static func days(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = Int64((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1)
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date of a day since 1970-01-01 (`civil_from_days`).
  static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shifted = (5 * dayOfYear + 2) / 153
    let day = Int(dayOfYear - (153 * shifted + 2) / 5 + 1)
    let month = Int(shifted < 10 ? shifted + 3 : shifted - 9)
    return (Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0), month, day)
  }
}
