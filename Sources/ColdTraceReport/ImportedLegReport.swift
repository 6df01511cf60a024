import ColdTraceCore

/// An imported leg (`ImportedLeg`) as the report shows it: its own figures, excursions and gaps against the lot's
/// product limits, from the logger's readings alone, computed as for a room whose only probe is the logger (each
/// reading stands for the time until the next, at most twice the logger's median interval). The lot's figures, verdict
/// and readings stay those of its rooms; a leg is listed beside them, marked as imported from a file.
public struct ImportedLegReport: Sendable {
  public var leg: ImportedLeg
  /// The leg as a report of its own (one stay in `import/<leg>`, one probe): its figures and its chart.
  var figures: LotReport

  public var temperature: MetricSummary { figures.temperature }
  public var humidity: MetricSummary { figures.humidity }
  /// Oldest first, both metrics.
  public var excursions: [Excursion] { figures.excursions }
  public var gaps: [DataGap] { figures.gaps }

  public func summary(_ metric: Metric) -> MetricSummary { figures.summary(metric) }

  static func build(_ leg: ImportedLeg, of input: LotReportInput, profile: ProductProfile) -> ImportedLegReport {
    // The stay runs one reading interval past the last reading, so that the last reading counts like the others.
    var series = leg.series
    let interval = HeldReadings.medianInterval([series]) ?? LotReportBuilder.defaultIntervalMilliseconds
    series.toMilliseconds += interval
    let end = Timestamp(milliseconds: series.toMilliseconds)
    let legLot = Lot(
      id: input.lot.id, product: input.lot.product, market: input.lot.market, createdAt: leg.from, closedAt: end,
      placements: [Lot.Placement(site: ImportedLeg.site, room: leg.name, from: leg.from, to: end)])
    let legInput = LotReportInput(
      lot: legLot, from: leg.from, to: end, series: [series], alerts: [], seal: input.seal)
    return ImportedLegReport(leg: leg, figures: LotReportBuilder.build(legInput, profile: profile))
  }
}

/// The words of the imported-legs section, in both languages.
enum ImportedLegText {
  static func title(_ language: Language) -> String {
    language == .vi ? "Chặng nhập từ máy ghi nhiệt độc lập" : "Legs imported from standalone loggers"
  }

  static func note(_ language: Language) -> String {
    language == .vi
      ? "Số liệu của các chặng này được nhập từ tệp xuất của máy ghi (không phải đầu dò của ColdTrace), so với ngưỡng "
        + "của sản phẩm; kết luận ở trên chỉ xét các phòng."
      : "These legs were imported from the loggers' export files (not ColdTrace's probes) and are judged against the "
        + "product's limits; the verdict above covers the rooms only."
  }

  /// The logger's line in the leg's chart legend: `logger RC-5 EF001234 (imported)`, `logger (imported)` when the
  /// import did not name it.
  static func chartLabel(logger: String?, _ language: Language) -> String {
    let name = logger.map { " " + $0 } ?? ""
    return language == .vi ? "máy ghi\(name) (nhập từ tệp)" : "logger\(name) (imported)"
  }

  static func label(_ key: Key, _ language: Language) -> String {
    let (en, vi): (String, String) =
      switch key {
      case .leg: ("Leg", "Chặng")
      case .logger: ("Logger", "Máy ghi")
      case .file: ("File", "Tệp")
      case .sha256: ("SHA-256 of the file", "SHA-256 của tệp")
      case .imported: ("Imported", "Nhập lúc")
      case .by: ("by", "bởi")
      case .unnamed: ("not named", "không ghi")
      }
    return language == .vi ? vi : en
  }

  enum Key {
    case leg, logger, file, sha256, imported, by, unnamed
  }
}
