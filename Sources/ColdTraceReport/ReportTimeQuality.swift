import ColdTraceCore

/// The report's section on readings whose time was corrected or is doubtful (`DoubtfulTimes`): shown only when the
/// lot or the room has some, in every format but the room report's CSV (the lot CSV marks each row in its
/// `time_quality` column).
enum ReportTimeQuality {
  static func title(_ language: Language) -> String {
    language == .vi
      ? "Số đo có thời gian đã hiệu chỉnh hoặc không chắc chắn" : "Readings with a corrected or doubtful time"
  }

  static func note(_ language: Language) -> String {
    language == .vi
      ? "\"Đã hiệu chỉnh\": đo khi đồng hồ của thiết bị biên chưa đồng bộ, được ghi lại giờ khi đồng bộ (sai lệch "
        + "vài mili giây). \"Không chắc chắn\": giờ của đồng hồ chưa đồng bộ, có thể sai bất kỳ."
      : "Corrected: taken while the edge box's clock was not synchronised and stamped again once it was (right to "
        + "within milliseconds). Doubtful: stamped by a clock that was never synchronised; the time may be off by any "
        + "amount."
  }

  /// The probes with such readings, sorted, with their lines' text: `3 corrected, 1 doubtful, 12/06/2026 08:00 → 08:10`.
  static func rows(_ report: LotReport, _ format: ReportFormatter) -> [(probe: String, text: String)] {
    rows(report.doubtfulTimes, format)
  }

  /// `rows` of a lot's or a room's probes.
  static func rows(_ doubtful: [String: DoubtfulTimes], _ format: ReportFormatter) -> [(probe: String, text: String)] {
    doubtful.sorted { $0.key < $1.key }.map { probe, counts in
      let parts =
        format.language == .vi
        ? ["\(counts.corrected) đã hiệu chỉnh", "\(counts.unsynced) không chắc chắn"]
        : ["\(counts.corrected) corrected", "\(counts.unsynced) doubtful"]
      return (probe, "\(parts.joined(separator: ", ")), \(format.time(counts.first)) → \(format.time(counts.last))")
    }
  }
}

extension JSONObjectWriter {
  /// `time_quality`: one object per probe with such readings (`probe, corrected, unsynced, first, last`).
  mutating func timeQuality(_ doubtful: [String: DoubtfulTimes]) {
    objects("time_quality", doubtful.sorted { $0.key < $1.key }) { json, doubtful in
      json.string("probe", doubtful.key)
      json.integer("corrected", doubtful.value.corrected)
      json.integer("unsynced", doubtful.value.unsynced)
      json.string("first", doubtful.value.first.rfc3339)
      json.string("last", doubtful.value.last.rfc3339)
    }
  }
}
