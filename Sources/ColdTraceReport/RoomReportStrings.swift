import ColdTraceCore

/// The strings of the room and site report that the lot report does not have, in English and Vietnamese; the rest
/// (readings, min, max, alerts, …) come from `ReportStrings`.
struct RoomReportStrings {
  let language: Language

  enum Key: CaseIterable {
    case title, siteTitle, daysIn, dailyTable, day, probe, calibration, certificate, calibratedOn, due, by, status
    case calibrationValid, calibrationOverdue, calibrationNone, excursionRule, limit, readingsOut, meanNote
    case acknowledgedAt
  }

  func callAsFunction(_ key: Key) -> String {
    let (en, vi) = Self.pair(key)
    return language == .vi ? vi : en
  }

  static func pair(_ key: Key) -> (String, String) {
    switch key {
    case .title: ("Cold room report", "Báo cáo phòng lạnh")
    case .siteTitle: ("Cold rooms report", "Báo cáo các phòng lạnh")
    case .daysIn: ("Days are local days at", "Ngày tính theo giờ địa phương")
    case .dailyTable: ("Daily figures per probe", "Số liệu hằng ngày theo đầu dò")
    case .day: ("Day", "Ngày")
    case .probe: ("Probe", "Đầu dò")
    case .calibration: ("Calibration of the probes", "Hiệu chuẩn đầu dò")
    case .certificate: ("Certificate", "Giấy chứng nhận")
    case .calibratedOn: ("Calibrated", "Ngày hiệu chuẩn")
    case .due: ("Due", "Hạn hiệu chuẩn lại")
    case .by: ("By", "Người thực hiện")
    case .status: ("Status", "Tình trạng")
    case .calibrationValid: ("valid", "còn hiệu lực")
    case .calibrationOverdue: ("OVERDUE", "QUÁ HẠN")
    case .calibrationNone: ("NO CALIBRATION ON RECORD", "CHƯA CÓ HỒ SƠ HIỆU CHUẨN")
    case .excursionRule:
      (
        "An excursion runs from a probe's first reading past the room's warning limit to its first reading back in "
          + "range. Evaporator and ambient probes are not judged.",
        "Một lần vượt ngưỡng tính từ số đo đầu tiên của đầu dò vượt ngưỡng cảnh báo của phòng đến số đo đầu tiên trở lại "
          + "trong ngưỡng. Đầu dò dàn lạnh và đầu dò bên ngoài phòng không được dùng để đánh giá."
      )
    case .limit: ("Limit", "Ngưỡng")
    case .readingsOut: ("Readings out", "Số lần đo vượt")
    case .meanNote:
      (
        "Mean: the average of the day's readings, each counted once, as on a paper log.",
        "Trung bình: trung bình cộng các số đo trong ngày, mỗi số đo tính một lần, như sổ ghi tay."
      )
    case .acknowledgedAt: ("at", "lúc")
    }
  }

  func calibrationStatus(_ status: RoomProbe.CalibrationStatus) -> String {
    switch status {
    case .valid: self(.calibrationValid)
    case .overdue: self(.calibrationOverdue)
    case .noRecord: self(.calibrationNone)
    }
  }
}

extension ReportFormatter {
  var roomStrings: RoomReportStrings { RoomReportStrings(language: language) }

  /// A local day of `report` (its first instant, as `RoomReportBuilder` makes it) as the reader writes a date.
  func day(_ day: Timestamp, of report: RoomReport) -> String {
    language.date(day, in: report.dayZone)
  }

  /// The report's title and what it covers, e.g. `Cold room report: hongxuan/cold2`.
  func roomTitle(_ report: RoomReport) -> String {
    let s = roomStrings
    return "\(report.rooms.count == 1 && report.scope.contains("/") ? s(.title) : s(.siteTitle)): \(report.scope)"
  }

  /// Each room's warning limits as the excursions use them, e.g. `cold2: litchi, Warning 1.0 – 5.0 °C; …`.
  func roomLimits(_ report: RoomReport, _ metric: Metric) -> [(room: String, text: String)] {
    report.rooms.compactMap { room in
      guard let profile = report.profiles[room] else { return nil }
      return (room, "\(strings.productName(profile)) (\(profile.id)): \(limits(profile.bands(for: metric), metric))")
    }
  }
}
