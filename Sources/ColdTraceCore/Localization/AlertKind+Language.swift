extension AlertKind {
  /// What the alert is about, for a reader: one wording shared by reports and `coldtrace status`.
  public func name(in language: Language) -> String {
    let (en, vi): (String, String) =
      switch self {
      case .tempHigh: ("temperature high", "nhiệt độ cao")
      case .tempLow: ("temperature low", "nhiệt độ thấp")
      case .tempTrend: ("temperature rising fast", "nhiệt độ tăng nhanh")
      case .rhHigh: ("humidity high", "độ ẩm cao")
      case .rhLow: ("humidity low", "độ ẩm thấp")
      case .budget: ("excursion budget used up", "hết hạn mức vượt ngưỡng")
      case .treatment: ("cold treatment restarted", "xử lý lạnh phải tính lại")
      case .offline: ("sensor offline", "cảm biến mất kết nối")
      case .agentOffline: ("edge agent offline", "thiết bị biên mất kết nối")
      case .sensorFault: ("sensor fault", "lỗi cảm biến")
      case .calibrationDue: ("probe calibration due", "đến hạn hiệu chuẩn đầu dò")
      case .doorOpen: ("door left open", "cửa kho để mở")
      case .defrostOverrun: ("defrost too long", "xả đá quá lâu")
      case .seqReset: ("readings numbered again", "số thứ tự bản ghi bị dùng lại")
      case .batteryLow: ("probe battery low", "pin đầu dò yếu")
      case .weakSignal: ("probe signal weak", "sóng đầu dò yếu")
      case .siteLimit: ("site over its limit", "điểm vượt giới hạn")
      case .clockSkew: ("edge agent clock wrong", "đồng hồ thiết bị biên sai giờ")
      case .uplinkDown: ("site uplink down", "mất đường truyền lên trung tâm")
      }
    return language == .vi ? vi : en
  }
}

extension Severity {
  /// The severity for a reader, as reports and `coldtrace status` word it.
  public func name(in language: Language) -> String {
    switch (self, language) {
    case (.warning, .en): "warning"
    case (.critical, .en): "critical"
    case (.warning, .vi): "cảnh báo"
    case (.critical, .vi): "nguy cấp"
    }
  }
}
