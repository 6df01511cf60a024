import ColdTraceCore

/// The cold-treatment clock computed from the readings of the probes that judge the lot (an air probe's defrost and
/// door spans left out as for the verdict): it starts with the lot's first reading, any such probe reading
/// above the treatment temperature restarts it (from the end of that reading's hold), and the treatment is complete
/// once the clock has run for the required days. Data gaps do not restart the clock; the report lists them.
enum ColdTreatmentClock {
  static func status(_ requirement: ColdTreatment, series: [JudgedSeries], caps: [String: Int64]) -> TreatmentStatus {
    var above: [PeakSpan] = []
    var firstReading: Int64?
    var lastEnd: Int64?
    for judged in series {
      let one = judged.series
      var collector = SpanCollector(direction: .high, threshold: requirement.maxTempC)
      let held = HeldReadings(series: one, capMilliseconds: LotReportBuilder.cap(caps, one), excluded: judged.excluded)
      held.forEach(.temperature) { start, end, value, _ in
        firstReading = min(firstReading ?? start, start)
        lastEnd = max(lastEnd ?? end, end)
        collector.add(start: start, end: end, value: value)
      }
      above += collector.finish()
    }
    guard let first = firstReading, let last = lastEnd else {
      return TreatmentStatus(
        requirement: requirement, state: .notStarted, clockStart: nil, completedAt: nil, elapsedDays: 0, restarts: 0)
    }
    let needed = Int64(requirement.durationSeconds * 1000)
    var clock = first
    var restarts = 0
    for span in PeakSpan.union(above, higher: true) {
      if span.start - clock >= needed { break }
      if span.start <= clock && span.end > clock && restarts == 0 && clock == first {
        // Above the treatment temperature from the start: the clock starts when it first comes down.
        clock = span.end
        continue
      }
      clock = max(clock, span.end)
      restarts += 1
    }
    let start = Timestamp(milliseconds: clock)
    if last - clock >= needed {
      return TreatmentStatus(
        requirement: requirement, state: .complete, clockStart: start,
        completedAt: Timestamp(milliseconds: clock + needed), elapsedDays: requirement.days, restarts: restarts)
    }
    return TreatmentStatus(
      requirement: requirement, state: last > clock ? .inProgress : .notStarted, clockStart: start, completedAt: nil,
      elapsedDays: Double(max(0, last - clock)) / 86_400_000, restarts: restarts)
  }
}
