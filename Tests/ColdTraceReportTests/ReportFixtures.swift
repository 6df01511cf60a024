import ColdTraceCore
import ColdTraceReport

/// Small hand-made lots for the report tests: minute readings from a fixed start, values chosen so every figure can
/// be worked out on paper.
enum ReportFixtures {
  /// 2026-06-12T01:00:00Z (08:00 at UTC+07:00).
  static let start: Int64 = 1_781_226_000_000
  static let minute: Int64 = 60_000

  /// Warning 1–5 °C (45 min delay high, 30 min low), critical −0.5 and 8 °C (10 min); humidity warning 85–98 %.
  static func profile(budget: ExcursionBudget? = nil, treatment: ColdTreatment? = nil) -> ProductProfile {
    var profile = BuiltInProfiles.litchi
    profile.budget = budget
    profile.coldTreatment = treatment
    return profile
  }

  /// A probe with one reading per minute from `start`, minute `i` carrying `temperatures[i]` (`nil` skips the
  /// minute), over a placement of `minutes` minutes.
  static func probe(
    _ sensor: String, _ temperatures: [Double?], humidity: Double = 90, minutes: Int? = nil, room: String = "cold2"
  ) -> ProbeSeries {
    var series = ProbeSeries(
      site: "hongxuan", room: room, sensor: sensor, fromMilliseconds: start,
      toMilliseconds: start + Int64(minutes ?? temperatures.count) * minute)
    for (index, value) in temperatures.enumerated() {
      guard let value else { continue }
      series.append(milliseconds: start + Int64(index) * minute, temperature: value, humidity: humidity)
    }
    return series
  }

  static func input(_ series: [ProbeSeries], minutes: Int, alerts: [AlertRecord] = []) -> LotReportInput {
    let from = Timestamp(milliseconds: start)
    let to = Timestamp(milliseconds: start + Int64(minutes) * minute)
    let lot = Lot(
      id: "LT-2026-0612", product: "litchi", market: "eu", createdAt: from, closedAt: to,
      placements: [Lot.Placement(site: "hongxuan", room: "cold2", from: from, to: to)])
    let seal = ReportSeal(
      lot: lot.id, from: from, to: to, readings: series.reduce(0) { $0 + $1.count },
      placementsSHA256: String(repeating: "a", count: 64), readingsSHA256: String(repeating: "b", count: 64),
      probesSHA256: String(repeating: "e", count: 64), spansSHA256: String(repeating: "f", count: 64),
      sha256: String(repeating: "c", count: 64), journalEventID: 7, journalSHA256: String(repeating: "d", count: 64))
    return LotReportInput(lot: lot, from: from, to: to, series: series, alerts: alerts, seal: seal)
  }

  /// A fixed seal for inputs built by hand (the digests are letters, not hashes of anything).
  static func seal(readings: Int, minutes: Int) -> ReportSeal {
    ReportSeal(
      lot: "LT-2026-0612", from: time(minutes: 0), to: time(minutes: minutes), readings: readings,
      placementsSHA256: String(repeating: "a", count: 64), readingsSHA256: String(repeating: "b", count: 64),
      probesSHA256: String(repeating: "e", count: 64), spansSHA256: String(repeating: "f", count: 64),
      sha256: String(repeating: "c", count: 64), journalEventID: 7, journalSHA256: String(repeating: "d", count: 64))
  }

  /// A probe of `room` with a reading every `step` minutes from minute `fromMinute` (`nil` skips one), over a stay
  /// of `minutes` minutes from `fromMinute`.
  static func probe(
    _ sensor: String, room: String, placement: Placement, fromMinute: Int = 0, step: Int, minutes: Int,
    humidity: Double? = 90, _ temperatures: [Double?]
  ) -> ProbeSeries {
    var series = ProbeSeries(
      site: "hongxuan", room: room, sensor: sensor, placement: placement,
      fromMilliseconds: start + Int64(fromMinute) * minute, toMilliseconds: start + Int64(fromMinute + minutes) * minute
    )
    for (index, value) in temperatures.enumerated() {
      guard let value else { continue }
      series.append(
        milliseconds: start + Int64(fromMinute + index * step) * minute, temperature: value, humidity: humidity)
    }
    return series
  }

  /// A span of `room` from minute `from` to minute `to` after `start`.
  static func span(
    _ signal: RoomSignal, _ source: RoomSpanSource, sensor: String?, room: String, from: Int, to: Int
  ) -> StayRoomSpan {
    StayRoomSpan(
      site: "hongxuan", room: room,
      span: RoomSpan(signal: signal, source: source, sensor: sensor, start: time(minutes: from), end: time(minutes: to))
    )
  }

  /// A lot staying in `rooms` one after the other, each for `minutes` minutes.
  static func lot(rooms: [String], minutes: Int) -> Lot {
    Lot(
      id: "LT-2026-0612", product: "litchi", market: "eu", createdAt: time(minutes: 0),
      closedAt: time(minutes: rooms.count * minutes),
      placements: rooms.enumerated().map { index, room in
        Lot.Placement(
          site: "hongxuan", room: room, from: time(minutes: index * minutes), to: time(minutes: (index + 1) * minutes))
      })
  }

  static func time(minutes: Int) -> Timestamp { Timestamp(milliseconds: start + Int64(minutes) * minute) }
}
