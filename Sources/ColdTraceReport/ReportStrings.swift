import ColdTraceCore

/// Every reader-facing string of a lot report, in English and Vietnamese: the one file a translator edits.
struct ReportStrings {
  let language: Language

  enum Key: CaseIterable {
    case title, lot, product, market, period, timesIn, openLot, limitsApplied, temperature, humidity
    case high, low, rooms, site, room, from, to, duration, readings, probes
    case minimum, maximum, mean, mkt, inRange, outOfRange, budget, noBudget, excursions, none
    case metric, direction, start, end, peak, pastCritical, gaps, sensor, treatment
    case treatmentComplete, treatmentInProgress, treatmentNotStarted, clockStarted, restarts, completedAt, daysOnClock
    case alerts, kind, severity, state, opened, resolved, acknowledgedBy, note, notAcknowledged
    case verdict, withinLimits, withinBudget, failed, rule, integrity, dataSHA256, journalHead, noJournal, verifyHint
    case chartTitle, limitBand, excursion, dataGap, minutes, hours, days
    case placement, roomSpans, signal, source, defrostSignal, doorSignal, sourceInput, doorContact, sourceSchedule
    case sourceEvaporator
    case placementAir, placementProduct, placementSimulant, placementEvaporator, placementAmbient
    case probeAir, probeProduct, probeSimulant, probeEvaporator, probeAmbient
    case judgedBy, contextOnly, noJudgingProbe, airOnlyRoom, excludedLabel, defrosts, doorOpenings, noneRecorded
    case inAll, longest, longerThanMaximum, judgedProbe, yes, no
  }

  func callAsFunction(_ key: Key) -> String {
    let (en, vi) = Self.pair(key)
    return language == .vi ? vi : en
  }

  /// The English and Vietnamese text of `key`, side by side.
  static func pair(_ key: Key) -> (String, String) {
    switch key {
    case .title: ("Cold-chain report", "Báo cáo chuỗi lạnh")
    case .lot: ("Lot", "Lô hàng")
    case .product: ("Product", "Sản phẩm")
    case .market: ("Market", "Thị trường")
    case .period: ("Period", "Thời gian")
    case .timesIn: ("Times are in", "Giờ theo múi")
    case .openLot: ("lot still open", "lô hàng chưa đóng")
    case .limitsApplied: ("Limits applied", "Ngưỡng áp dụng")
    case .temperature: ("Temperature", "Nhiệt độ")
    case .humidity: ("Humidity", "Độ ẩm")
    case .high: ("high", "cao")
    case .low: ("low", "thấp")
    case .rooms: ("Rooms", "Các phòng")
    case .site: ("Site", "Cơ sở")
    case .room: ("Room", "Phòng")
    case .from: ("From", "Từ")
    case .to: ("To", "Đến")
    case .duration: ("Duration", "Thời lượng")
    case .readings: ("Readings", "Số lần đo")
    case .probes: ("Probes", "Đầu dò")
    case .minimum: ("Min", "Thấp nhất")
    case .maximum: ("Max", "Cao nhất")
    case .mean: ("Mean", "Trung bình")
    case .mkt: ("Mean kinetic temperature", "Nhiệt độ động học trung bình")
    case .inRange: ("Time in range", "Thời gian trong ngưỡng")
    case .outOfRange: ("Out of range", "Ngoài ngưỡng")
    case .budget: ("Excursion budget", "Hạn mức vượt ngưỡng")
    case .noBudget: ("no budget in the profile", "hồ sơ sản phẩm không có hạn mức")
    case .excursions: ("Excursions", "Các lần vượt ngưỡng")
    case .none: ("none", "không có")
    case .metric: ("Metric", "Chỉ số")
    case .direction: ("Side", "Phía")
    case .start: ("Start", "Bắt đầu")
    case .end: ("End", "Kết thúc")
    case .peak: ("Peak", "Đỉnh")
    case .pastCritical: ("past critical limit", "vượt ngưỡng nguy cấp")
    case .gaps: ("Data gaps", "Khoảng mất dữ liệu")
    case .sensor: ("Sensor", "Cảm biến")
    case .treatment: ("Cold treatment", "Xử lý lạnh")
    case .treatmentComplete: ("complete", "đã hoàn tất")
    case .treatmentInProgress: ("in progress", "đang tiến hành")
    case .treatmentNotStarted: ("not started", "chưa bắt đầu")
    case .clockStarted: ("clock started", "bắt đầu tính giờ")
    case .restarts: ("restarts", "số lần tính lại")
    case .completedAt: ("completed", "hoàn tất lúc")
    case .daysOnClock: ("days on the clock", "số ngày đã tính")
    case .alerts: ("Alerts", "Cảnh báo")
    case .kind: ("Kind", "Loại")
    case .severity: ("Severity", "Mức độ")
    case .state: ("State", "Trạng thái")
    case .opened: ("Opened", "Mở lúc")
    case .resolved: ("Resolved", "Kết thúc lúc")
    case .acknowledgedBy: ("Acknowledged by", "Người xác nhận")
    case .note: ("Note", "Ghi chú")
    case .notAcknowledged: ("not acknowledged", "chưa xác nhận")
    case .verdict: ("Verdict", "Kết luận")
    case .withinLimits: ("WITHIN LIMITS", "ĐẠT: TRONG NGƯỠNG")
    case .withinBudget: ("EXCURSIONS WITHIN BUDGET", "ĐẠT: VƯỢT NGƯỠNG TRONG HẠN MỨC")
    case .failed: ("FAILED", "KHÔNG ĐẠT")
    case .rule: ("Rule", "Quy tắc")
    case .integrity: ("Integrity", "Tính toàn vẹn")
    case .dataSHA256: ("SHA-256 of the data", "SHA-256 của dữ liệu")
    case .journalHead: ("Alert journal head", "Đầu chuỗi nhật ký cảnh báo")
    case .noJournal: ("no alert event yet", "chưa có sự kiện cảnh báo")
    case .verifyHint: ("Check it later with", "Kiểm tra lại bằng lệnh")
    case .chartTitle: ("Temperature and humidity over the lot's life", "Nhiệt độ và độ ẩm trong suốt thời gian lưu kho")
    case .limitBand: ("limit band", "dải ngưỡng")
    case .excursion: ("excursion", "vượt ngưỡng")
    case .dataGap: ("data gap", "mất dữ liệu")
    case .minutes: ("min", "phút")
    case .hours: ("h", "giờ")
    case .days: ("d", "ngày")
    default: Self.roomPair(key)
    }
  }

  func metric(_ metric: Metric) -> String { self(metric == .temperature ? .temperature : .humidity) }

  func direction(_ direction: BandDirection) -> String { self(direction == .high ? .high : .low) }

  func outcome(_ outcome: Verdict.Outcome) -> String {
    switch outcome {
    case .withinLimits: self(.withinLimits)
    case .withinBudget: self(.withinBudget)
    case .failed: self(.failed)
    }
  }

  func treatmentState(_ state: TreatmentStatus.State) -> String {
    switch state {
    case .complete: self(.treatmentComplete)
    case .inProgress: self(.treatmentInProgress)
    case .notStarted: self(.treatmentNotStarted)
    }
  }

  func severity(_ severity: Severity) -> String { severity.name(in: language) }

  func alertState(_ state: AlertState) -> String {
    switch state {
    case .open: language == .vi ? "đang mở" : "open"
    case .acked: language == .vi ? "đã xác nhận" : "acknowledged"
    case .resolved: language == .vi ? "đã kết thúc" : "resolved"
    }
  }

  func alertKind(_ kind: AlertKind) -> String { kind.name(in: language) }

  /// The product's name for the reader (Vietnamese names for the built-in profiles).
  func productName(_ profile: ProductProfile) -> String {
    guard language == .vi else { return profile.name }
    let names = [
      "litchi": "Vải tươi", "litchi-cold-treatment": "Vải tươi, xử lý lạnh", "longan": "Nhãn tươi",
      "chilled-pork": "Thịt lợn ướp lạnh", "chilled-pork-eu": "Thịt lợn ướp lạnh (EU)",
      "chilled-chicken": "Thịt gà ướp lạnh", "chilled-chicken-eu": "Thịt gà ướp lạnh (EU)",
      "frozen-meat": "Thịt đông lạnh", "leafy-vegetables": "Rau ăn lá", "frozen-vegetables": "Rau đông lạnh",
      "dried-herbs": "Dược liệu khô",
    ]
    return names[profile.id] ?? profile.name
  }

  /// The sentence that explains the verdict's rule, with its figures.
  func rule(_ rule: Verdict.Rule, format: ReportFormatter) -> String {
    let vi = language == .vi
    switch rule {
    case .noReadings:
      return vi
        ? "Không có số đo nào của đầu dò dùng để đánh giá lô hàng (sản phẩm, mô phỏng hoặc không khí) trong thời gian "
          + "báo cáo: không thể chứng minh điều kiện bảo quản."
        : "No reading of a probe that judges the lot (product, simulant or air) was stored in the period: how it was "
          + "kept cannot be shown."
    case .pastCriticalLimit(let metric, let direction, let threshold, let minutes, let allowed):
      let side = vi ? (direction == .high ? "trên" : "dưới") : (direction == .high ? "above" : "below")
      return vi
        ? "\(self.metric(metric)) ở \(side) ngưỡng nguy cấp \(format.value(threshold, metric)) trong "
          + "\(format.minutes(minutes)), lâu hơn thời gian trễ báo động \(format.minutes(allowed))."
        : "\(self.metric(metric)) stayed \(side) the critical limit \(format.value(threshold, metric)) for "
          + "\(format.minutes(minutes)), longer than its alarm delay of \(format.minutes(allowed))."
    case .budgetExceeded(let metric, let used, let budget):
      return vi
        ? "\(self.metric(metric)) nằm ngoài ngưỡng tổng cộng \(format.minutes(used)), vượt hạn mức "
          + "\(format.minutes(budget)) của hồ sơ sản phẩm."
        : "\(self.metric(metric)) was out of range for \(format.minutes(used)) in all, more than the profile's "
          + "budget of \(format.minutes(budget))."
    case .excursionLongerThanDelay(let metric, let direction, let threshold, let minutes, let allowed):
      let side = vi ? (direction == .high ? "trên" : "dưới") : (direction == .high ? "above" : "below")
      return vi
        ? "Hồ sơ sản phẩm không có hạn mức: một lần \(self.metric(metric).lowercased()) ở \(side) "
          + "\(format.value(threshold, metric)) kéo dài \(format.minutes(minutes)), lâu hơn thời gian trễ báo động "
          + "\(format.minutes(allowed))."
        : "The profile has no budget: an excursion \(side) \(format.value(threshold, metric)) lasted "
          + "\(format.minutes(minutes)), longer than the alarm delay of \(format.minutes(allowed))."
    case .withinBudget(let metric, let used, let budget):
      return vi
        ? "\(self.metric(metric)) nằm ngoài ngưỡng \(format.minutes(used)), trong hạn mức "
          + "\(format.minutes(budget)) của hồ sơ sản phẩm; không vượt ngưỡng nguy cấp quá thời gian trễ."
        : "\(self.metric(metric)) was out of range for \(format.minutes(used)), within the profile's budget of "
          + "\(format.minutes(budget)); no critical limit was passed for longer than its delay."
    case .withinAlarmDelays:
      return vi
        ? "Hồ sơ sản phẩm không có hạn mức: mọi lần vượt ngưỡng đều ngắn hơn thời gian trễ báo động của ngưỡng đó."
        : "The profile has no budget: every excursion was shorter than the alarm delay of its limit."
    case .noTimeOutOfRange:
      return vi
        ? "Mọi số đo của các đầu dò dùng để đánh giá lô hàng đều nằm trong ngưỡng cảnh báo."
        : "Every reading of every probe that judges the lot stayed within the warning limits."
    }
  }
}
