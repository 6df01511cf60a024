import ColdTraceCore

/// The report's section on late readings (`LateReadings`): shown only when the lot has some, in every format.
enum ReportLateReadings {
  /// The section's title.
  static func title(_ language: Language) -> String {
    language == .vi ? "Số đo đến muộn" : "Readings that arrived late"
  }

  /// What the section means, in one sentence.
  static func note(_ language: Language) -> String {
    language == .vi
      ? "Các số đo này đến sau một số đo mới hơn của cùng đầu dò: cảnh báo trực tiếp và hạn mức của lô đã bỏ qua "
        + "chúng; báo cáo này có tính chúng."
      : "They arrived after a newer reading of the same probe: the live alarms and the lot's budget passed over them; "
        + "this report counts them."
  }

  /// The probes with late readings, sorted, with their lines' text: `3 readings, 12/06/2026 08:00 → 08:10`.
  static func rows(_ report: LotReport, _ format: ReportFormatter) -> [(probe: String, text: String)] {
    report.lateReadings.sorted { $0.key < $1.key }.map { probe, late in
      let count = format.language == .vi ? "\(late.count) số đo" : "\(late.count) reading\(late.count == 1 ? "" : "s")"
      return (probe, "\(count), \(format.time(late.first)) → \(format.time(late.last))")
    }
  }
}
