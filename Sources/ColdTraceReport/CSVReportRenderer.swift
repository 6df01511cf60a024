import ColdTraceCore

/// One row per reading, for Excel: `ts` in RFC 3339 UTC, `local_time` in the reader's notation and the site's zone
/// (at its offset at that instant), and each value's status against the warning limits (`in`, `high`, `low`, empty
/// when absent). Column names never change; Vietnamese output uses `;` between fields and `,` for decimals, as Excel
/// does under a Vietnamese locale.
///
/// When the lot's rooms had defrosts or door openings, a blank line and a second table follows, one row per span, as
/// wide as the first so a reader that expects one width still parses it: `spanColumns`, `start`/`end` in RFC 3339
/// UTC, `local_start` like `local_time`, `minutes` with two decimals at most.
///
/// Rows are written as bytes with the date parts cached per day: a month of minute readings from four probes is
/// 170,000 rows.
enum CSVReportRenderer {
  static let columns = [
    "ts", "local_time", "site", "room", "sensor", "temp_c", "rh_pct", "temp_status", "rh_status", "time_quality",
  ]
  /// As wide as `columns`: the last one is left empty.
  static let spanColumns = [
    "signal", "source", "site", "room", "sensor", "start", "end", "local_start", "minutes", "",
  ]
  private static let day: Int64 = 86_400_000

  static func render(_ report: LotReport, _ format: ReportFormatter) -> String {
    let separator: UInt8 = format.language == .vi ? UInt8(ascii: ";") : UInt8(ascii: ",")
    var out: [UInt8] = []
    out.reserveCapacity(report.readings * 90 + 200)
    out += columns.joined(separator: String(UnicodeScalar(separator))).utf8
    out += [13, 10]
    // The zone's offset and the period it holds for: looked up again only when a reading leaves it.
    var offset = (milliseconds: Int64(0), from: Int64.max, until: Int64.min)
    var utcDays = DayCache { Array(Timestamp(milliseconds: $0 * day).rfc3339.utf8.prefix(11)) }
    var localDays = DayCache { number in
      Array((format.language.date(Timestamp(milliseconds: number * day), utcOffsetMinutes: 0) + " ").utf8)
    }
    let temperature = report.profile.temperature
    let humidity = report.profile.humidity
    // An imported leg's readings follow the probes', their site `import` and room and sensor the leg's name.
    for series in report.series + report.legs.map(\.leg.series) {
      var prefix: [UInt8] = [separator]
      for part in [series.site, series.room, series.sensor] {
        prefix += part.utf8
        prefix.append(separator)
      }
      for index in 0..<series.count {
        let time = series.times[index]
        let (utcDay, utcRest) = floorDivide(time, day)
        out += utcDays[utcDay]
        appendTwo(utcRest / 3_600_000, &out)
        out.append(UInt8(ascii: ":"))
        appendTwo(utcRest / 60_000 % 60, &out)
        out.append(UInt8(ascii: ":"))
        appendTwo(utcRest / 1000 % 60, &out)
        out.append(UInt8(ascii: "."))
        appendTwo(utcRest % 1000 / 10, &out)
        out.append(UInt8(ascii: "0") + UInt8(utcRest % 10))
        out.append(UInt8(ascii: "Z"))
        out.append(separator)
        if time < offset.from || time >= offset.until {
          let period = format.timeZone.offsetPeriod(at: time)
          offset = (Int64(period.offsetSeconds) * 1000, period.from, period.until)
        }
        let (localDay, localRest) = floorDivide(time + offset.milliseconds, day)
        out += localDays[localDay]
        appendTwo(localRest / 3_600_000, &out)
        out.append(UInt8(ascii: ":"))
        appendTwo(localRest / 60_000 % 60, &out)
        out += prefix
        let temp = series.temperatures[index]
        let rh = series.humidities[index]
        appendNumber(temp, comma: format.language == .vi, &out)
        out.append(separator)
        appendNumber(rh, comma: format.language == .vi, &out)
        out.append(separator)
        out += status(temp, temperature).utf8
        out.append(separator)
        out += status(rh, humidity).utf8
        out.append(separator)
        if let quality = series.timeQualities[index] { out += quality.rawValue.utf8 }
        out += [13, 10]
      }
    }
    appendSpans(report, format, separator: separator, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  private static func appendSpans(
    _ report: LotReport, _ format: ReportFormatter, separator: UInt8, to out: inout [UInt8]
  ) {
    let spans = report.spans
    guard !spans.isEmpty else { return }
    let joiner = String(UnicodeScalar(separator))
    out += [13, 10]
    out += spanColumns.joined(separator: joiner).utf8
    out += [13, 10]
    for span in spans {
      let minutes = JSONText.number((span.minutes * 100).rounded() / 100)
      let fields = [
        span.span.signal.rawValue, span.span.source.rawValue, span.site, span.room, span.span.sensor ?? "",
        span.span.start.rfc3339, span.end.rfc3339, format.time(span.span.start),
        format.language == .vi ? String(minutes.map { $0 == "." ? "," : $0 }) : minutes, "",
      ]
      out += fields.joined(separator: joiner).utf8
      out += [13, 10]
    }
  }

  /// Bytes for a day number, computed once per day.
  private struct DayCache {
    let make: (Int64) -> [UInt8]
    var day: Int64 = .min
    var bytes: [UInt8] = []

    init(_ make: @escaping (Int64) -> [UInt8]) { self.make = make }

    subscript(day: Int64) -> [UInt8] {
      mutating get {
        if day != self.day {
          self.day = day
          bytes = make(day)
        }
        return bytes
      }
    }
  }

  private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
    let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    return (quotient, value - quotient * divisor)
  }

  @inline(__always)
  private static func appendTwo(_ value: Int64, _ out: inout [UInt8]) {
    out.append(UInt8(ascii: "0") + UInt8(value / 10))
    out.append(UInt8(ascii: "0") + UInt8(value % 10))
  }

  /// The stored value exactly (shortest round-trip digits), with the reader's decimal mark; nothing when absent.
  private static func appendNumber(_ value: Double, comma: Bool, _ out: inout [UInt8]) {
    guard !value.isNaN else { return }
    for byte in JSONText.number(value).utf8 {
      out.append(comma && byte == UInt8(ascii: ".") ? UInt8(ascii: ",") : byte)
    }
  }

  private static func status(_ value: Double, _ bands: MetricBands) -> String {
    guard !value.isNaN else { return "" }
    if let high = bands.clearingThreshold(.high), value > high { return "high" }
    if let low = bands.clearingThreshold(.low), value < low { return "low" }
    return "in"
  }
}
