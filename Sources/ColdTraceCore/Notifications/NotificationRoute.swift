/// Which alert events one notification channel (a `[[notify]]` table) is given, and when: the routing half of a
/// channel, judged inside the transaction that records each event so the outbox row is committed with it.
///
/// Empty filters take everything. Quiet hours hold warnings back until they end (a warning at 23:00 can wait for the
/// morning shift); a critical is never held back.
public struct NotificationRoute: Sendable, Equatable {
  public var channel: String
  public var sites: Set<String> = []
  /// `site/room`.
  public var rooms: Set<String> = []
  public var severities: Set<Severity> = []
  public var kinds: Set<AlertKind> = []
  /// Rows not delivered this long after they were first due are given up (logged, counted, kept).
  public var giveUpSeconds: Double = 24 * 3600
  /// An alert still unacknowledged this long after it opened is sent to the escalation contacts (`nil`: never).
  public var escalateAfterSeconds: Double?
  public var quietHours: QuietHours?

  public init(channel: String) { self.channel = channel }

  /// Whether the channel is given events of this alert.
  public func matches(_ alert: AlertRecord) -> Bool {
    (sites.isEmpty || sites.contains(alert.site)) && (rooms.isEmpty || rooms.contains("\(alert.site)/\(alert.room)"))
      && (severities.isEmpty || severities.contains(alert.severity)) && (kinds.isEmpty || kinds.contains(alert.kind))
  }

  /// When a row of this severity queued at `now` may first be sent: at once, or at the end of the quiet hours.
  public func due(severity: Severity, queuedAt now: Timestamp) -> Timestamp {
    guard severity < .critical, let quietHours else { return now }
    return quietHours.end(after: now) ?? now
  }
}

/// A daily span of local time (`"21:00-06:00"`, past midnight when the end is before the start) during which
/// warnings wait.
public struct QuietHours: Sendable, Equatable {
  /// Minutes after local midnight; the span is `[from, to)`.
  public var fromMinute: Int
  public var toMinute: Int
  /// The local time's offset east of UTC, in minutes.
  public var offsetMinutes: Int

  public init(fromMinute: Int, toMinute: Int, offsetMinutes: Int) {
    self.fromMinute = fromMinute
    self.toMinute = toMinute
    self.offsetMinutes = offsetMinutes
  }

  /// Parses `"21:00-06:00"`; `nil` when it is not two different `HH:MM` times.
  public static func parse(_ text: String, offsetMinutes: Int) -> QuietHours? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let from = MaintenanceWindow.minutes(of: String(parts[0])),
      let to = MaintenanceWindow.minutes(of: String(parts[1])), from != to
    else { return nil }
    return QuietHours(fromMinute: from, toMinute: to, offsetMinutes: offsetMinutes)
  }

  /// The end of the quiet hours `time` falls in, or `nil` when it falls in none.
  public func end(after time: Timestamp) -> Timestamp? {
    let local = time.milliseconds + Int64(offsetMinutes) * 60_000
    let dayStart = local - ((local % 86_400_000) + 86_400_000) % 86_400_000
    let minute = Int((local - dayStart) / 60_000)
    let inside =
      fromMinute < toMinute ? (minute >= fromMinute && minute < toMinute) : (minute >= fromMinute || minute < toMinute)
    guard inside else { return nil }
    // The end is today, or tomorrow when the span runs past midnight and has not reached it yet.
    let endsTomorrow = fromMinute > toMinute && minute >= fromMinute
    let endLocal = dayStart + Int64(toMinute) * 60_000 + (endsTomorrow ? 86_400_000 : 0)
    return Timestamp(milliseconds: endLocal - Int64(offsetMinutes) * 60_000)
  }

  /// `21:00-06:00 +07:00`, for the configuration journal.
  public var summary: String {
    let zone = (offsetMinutes < 0 ? "-" : "+") + MaintenanceWindow.clock(abs(offsetMinutes))
    return "\(MaintenanceWindow.clock(fromMinute))-\(MaintenanceWindow.clock(toMinute)) \(zone)"
  }
}

/// The wait before the next attempt at a row that failed `attempts` times: doubling from `base`, at most `cap`, so a
/// short glitch is retried within seconds and a long outage costs one run every `cap`.
public struct RetryBackoff: Sendable, Equatable {
  public var baseSeconds: Double = 5
  public var capSeconds: Double = 600

  public init(baseSeconds: Double = 5, capSeconds: Double = 600) {
    self.baseSeconds = baseSeconds
    self.capSeconds = capSeconds
  }

  public func delaySeconds(afterAttempts attempts: Int) -> Double {
    guard attempts > 0 else { return 0 }
    let doublings = min(attempts - 1, 30)
    return min(baseSeconds * Double(1 << doublings), capSeconds)
  }
}
