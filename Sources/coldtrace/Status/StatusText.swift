import ColdTraceCore
import ColdTraceStorage

/// Every word `coldtrace status` shows a person, in English and Vietnamese.
struct StatusText {
  let language: Language
  /// The zone each site's times are shown in.
  var zones = SiteTimeZones(default: .vietnam)

  /// A time of `site` as the reader writes it, in the site's zone: `2026-12-07 12:10`, `07/12/2026 12:10`.
  func time(_ time: Timestamp, site: String) -> String { language.dateTime(time, in: zones.zone(ofSite: site)) }

  var noSensors: String {
    switch language {
    case .en: "no sensors have reported yet"
    case .vi: "chưa có cảm biến nào gửi dữ liệu"
    }
  }

  var headers: [String] {
    switch language {
    case .en: ["SENSOR", "PLACEMENT", "TEMP °C", "RH %", "TREND °C/h", "AGE", "READINGS 24h", "ALERTS"]
    case .vi:
      ["CẢM BIẾN", "VỊ TRÍ", "NHIỆT ĐỘ °C", "ĐỘ ẨM %", "XU HƯỚNG °C/giờ", "CẬP NHẬT", "SỐ ĐO 24 giờ", "CẢNH BÁO"]
    }
  }

  /// The line above a room's probes: where, and which lots are in it now.
  func roomHeading(site: String, room: String, lots: [LotPresence]) -> String {
    let place = "\(site)/\(room)"
    guard !lots.isEmpty else {
      return place + (language == .en ? " · no lot" : " · không có lô hàng")
    }
    let listed = lots.map { lot in
      "\(lot.lot) (\(lot.product)\(lot.market.map { ", \($0)" } ?? ""))"
    }.joined(separator: ", ")
    return place + (language == .en ? " · lots: " : " · lô hàng: ") + listed
  }

  var fault: String { language == .en ? "fault" : "lỗi" }
  var input: String { language == .en ? "input" : "đầu vào" }

  /// An input's latest signal (`defrost on`, `door open` …) instead of values; `nil` for a probe's sample.
  func signal(_ sample: Sample) -> String? {
    if let defrost = sample.defrost {
      return language == .en ? (defrost ? "defrost on" : "defrost off") : (defrost ? "đang xả đá" : "không xả đá")
    }
    if let open = sample.doorOpen {
      return language == .en ? (open ? "door open" : "door closed") : (open ? "cửa mở" : "cửa đóng")
    }
    return nil
  }

  /// A defrost or door opening going on in the room, after its heading: ` · defrost on since 2026-12-07 09:00
  /// (schedule)`.
  func roomSpan(_ span: RoomSpan, site: String) -> String {
    let what =
      switch (span.signal, language) {
      case (.defrost, .en): "defrost on"
      case (.door, .en): "door open"
      case (.defrost, .vi): "đang xả đá"
      case (.door, .vi): "cửa mở"
      }
    let since = language == .en ? "since" : "từ"
    return " · \(what) \(since) \(time(span.start, site: site)) (\(span.sensor ?? span.source.rawValue))"
  }
  var ok: String { language == .en ? "ok" : "bình thường" }
  var stale: String { language == .en ? "STALE" : "MẤT TÍN HIỆU" }
  var future: String { language == .en ? "in the future" : "ở tương lai" }

  /// How long ago, in the largest unit that keeps it short.
  func age(_ seconds: Double) -> String {
    let (value, unit): (Int, String)
    switch seconds {
    case ..<0: return future
    case ..<120: (value, unit) = (Int(seconds), language == .en ? "s" : "giây")
    case ..<7200: (value, unit) = (Int(seconds / 60), language == .en ? "min" : "phút")
    case ..<172_800: (value, unit) = (Int(seconds / 3600), language == .en ? "h" : "giờ")
    default: (value, unit) = (Int(seconds / 86_400), language == .en ? "d" : "ngày")
    }
    return "\(language.integer(value)) \(unit)"
  }

  /// The severity and kind as `coldtrace alerts` prints them (`critical`, `temp_high`) in English; in Vietnamese the
  /// wording reports use.
  func severity(_ severity: Severity) -> String {
    language == .en ? severity.rawValue : severity.name(in: language)
  }

  func kind(_ kind: AlertKind) -> String { language == .en ? kind.rawValue : kind.name(in: language) }

  /// One open alert, e.g. `critical temp_high #12 (acked)`.
  func alert(_ alert: AlertRecord) -> String {
    let acked = alert.state == .acked ? (language == .en ? " (acked)" : " (đã xác nhận)") : ""
    return "\(severity(alert.severity)) \(kind(alert.kind)) #\(alert.id)\(acked)"
  }

  /// An open lot alert under its room's heading, e.g. `critical budget #12 (acked): lot L-1`; a room alert for
  /// probes crossing together (sensor `*`) with the number of probes, e.g. `critical temp_high #14: 6 probes`.
  func lotAlert(_ alert: AlertRecord) -> String {
    if alert.sensor == "*" {
      let count = alert.message.prefix { $0.isNumber }
      return self.alert(alert) + ": \(count) " + (language == .en ? "probes" : "đầu dò")
    }
    let lots = alert.lots.joined(separator: ", ")
    return self.alert(alert) + (language == .en ? ": lot " : ": lô ") + lots
  }

  /// A probe's calibration falling due or past due, e.g. `calibration due 2027-06-30`.
  func calibration(_ state: CalibrationState, due: Timestamp) -> String {
    let day = String(due.rfc3339.prefix(10))
    switch (state, language) {
    case (.overdue, .en): return "calibration OVERDUE since \(day)"
    case (.overdue, .vi): return "QUÁ HẠN hiệu chuẩn từ \(day)"
    case (_, .en): return "calibration due \(day)"
    case (_, .vi): return "đến hạn hiệu chuẩn \(day)"
    }
  }

  func footer(staleAfterMinutes: Double) -> String {
    let minutes = language.decimal(staleAfterMinutes, places: staleAfterMinutes.rounded() == staleAfterMinutes ? 0 : 1)
    switch language {
    case .en: return "\(stale): no reading for more than \(minutes) min."
    case .vi: return "\(stale): không có số đo quá \(minutes) phút."
    }
  }
}
