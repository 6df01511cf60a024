import ColdTraceCore

/// The strings of probe placement and room spans (which probes judged the lot, defrosts and door openings), in
/// English and Vietnamese.
extension ReportStrings {
  /// The English and Vietnamese text of the keys `pair` leaves to this file (an empty pair fails the translation test).
  static func roomPair(_ key: Key) -> (String, String) {
    switch key {
    case .placement: ("Placement", "Vị trí đặt")
    case .roomSpans: ("Defrosts and door openings", "Xả đá và mở cửa")
    case .signal: ("Event", "Sự kiện")
    case .source: ("Known from", "Nguồn ghi nhận")
    case .defrostSignal: ("defrost", "xả đá")
    case .doorSignal: ("door open", "mở cửa")
    case .sourceInput: ("controller output", "tín hiệu bộ điều khiển")
    case .doorContact: ("door contact", "công tắc cửa")
    case .sourceSchedule: ("defrost schedule", "lịch xả đá")
    case .sourceEvaporator: ("evaporator probe", "đầu dò dàn lạnh")
    case .placementAir: ("air", "không khí")
    case .placementProduct: ("product", "sản phẩm")
    case .placementSimulant: ("simulant", "mô phỏng sản phẩm")
    case .placementEvaporator: ("evaporator", "dàn lạnh")
    case .placementAmbient: ("ambient", "bên ngoài phòng")
    case .probeAir: ("air probe", "đầu dò không khí")
    case .probeProduct: ("product probe", "đầu dò sản phẩm")
    case .probeSimulant: ("simulant probe", "đầu dò mô phỏng sản phẩm")
    case .probeEvaporator: ("evaporator probe", "đầu dò dàn lạnh")
    case .probeAmbient: ("ambient probe", "đầu dò bên ngoài phòng")
    case .judgedBy: ("Judged by", "Đánh giá theo")
    case .contextOnly: ("Shown for context only", "Chỉ hiển thị để tham khảo")
    case .noJudgingProbe:
      (
        "No product, simulant or air probe in this room: nothing here judged the lot",
        "Phòng không có đầu dò sản phẩm, đầu dò mô phỏng hay đầu dò không khí: không có số đo nào ở đây được dùng để "
          + "đánh giá lô hàng"
      )
    case .airOnlyRoom:
      (
        "the room has no product or simulant probe, so its defrosts and door openings are left out",
        "phòng không có đầu dò sản phẩm hay đầu dò mô phỏng, nên các lần xả đá và mở cửa được loại trừ"
      )
    case .excludedLabel: ("Excluded", "Đã loại trừ")
    case .defrosts: ("Defrosts", "Xả đá")
    case .doorOpenings: ("Door openings", "Mở cửa")
    case .noneRecorded: ("none recorded", "không ghi nhận")
    case .inAll: ("in all", "tổng cộng")
    case .longest: ("longest", "lâu nhất")
    case .longerThanMaximum: ("longer than the maximum of", "dài hơn mức tối đa")
    case .judgedProbe: ("Judges the lot", "Dùng để đánh giá")
    case .yes: ("yes", "có")
    case .no: ("no", "không")
    default: ("", "")
    }
  }

  /// The placement's short name: `product`, `sản phẩm`.
  func placement(_ placement: Placement) -> String {
    switch placement {
    case .air: self(.placementAir)
    case .product: self(.placementProduct)
    case .simulant: self(.placementSimulant)
    case .evaporator: self(.placementEvaporator)
    case .ambient: self(.placementAmbient)
    }
  }

  /// A probe named with its kind: `product probe hongxuan/p1`, `đầu dò sản phẩm hongxuan/p1`.
  func probe(_ probe: ReportProbe) -> String {
    let kind: Key =
      switch probe.placement {
      case .air: .probeAir
      case .product: .probeProduct
      case .simulant: .probeSimulant
      case .evaporator: .probeEvaporator
      case .ambient: .probeAmbient
      }
    return "\(self(kind)) \(probe.name)"
  }

  func signal(_ signal: RoomSignal) -> String { self(signal == .defrost ? .defrostSignal : .doorSignal) }

  /// How the span was known, with the input or probe that showed it: `door contact door2`, `defrost schedule`.
  func spanSource(_ span: RoomSpan) -> String {
    let name: String =
      switch span.source {
      case .input: self(span.signal == .door ? .doorContact : .sourceInput)
      case .schedule: self(.sourceSchedule)
      case .evaporator: self(.sourceEvaporator)
      }
    return name + (span.sensor.map { " \($0)" } ?? "")
  }

  /// The sentences saying which probes judged the lot in a stay and why, and what was left out.
  func judgement(_ judgement: StayJudgement, format: ReportFormatter) -> [String] {
    var lines: [String] = []
    switch judgement.basis {
    case .none: lines.append(self(.noJudgingProbe) + ".")
    case .product: lines.append("\(self(.judgedBy)) \(judgement.judging.map(probe).joined(separator: ", ")).")
    case .air:
      lines.append(
        "\(self(.judgedBy)) \(judgement.judging.map(probe).joined(separator: ", ")): \(self(.airOnlyRoom)) "
          + "(\(spanLimits(format)))."
      )
      lines.append("\(self(.excludedLabel)): \(excluded(judgement, format: format)).")
    }
    if !judgement.context.isEmpty {
      lines.append("\(self(.contextOnly)): \(judgement.context.map(probe).joined(separator: ", ")).")
    }
    return lines
  }

  /// `4 defrosts, 1 door opening, 1 h 3 min` / `4 lần xả đá, 1 lần mở cửa, 1 giờ 3 phút`.
  func excluded(_ judgement: StayJudgement, format: ReportFormatter) -> String {
    let vi = language == .vi
    let defrosts = judgement.excludedDefrosts
    let doors = judgement.excludedDoors
    let counts =
      vi
      ? ["\(defrosts) lần xả đá", "\(doors) lần mở cửa"]
      : ["\(defrosts) defrost\(defrosts == 1 ? "" : "s")", "\(doors) door opening\(doors == 1 ? "" : "s")"]
    return (counts + [format.minutes(judgement.excludedMinutes)]).joined(separator: ", ")
  }

  /// The maxima in words: `each defrost up to 60 min and 30 min after it, each door opening up to 15 min`.
  func spanLimits(_ format: ReportFormatter) -> String {
    let defrost = format.minutes(ReportSpanLimits.defrostMaximumMinutes)
    let after = format.minutes(ReportSpanLimits.afterDefrostMinutes)
    let door = format.minutes(ReportSpanLimits.doorMaximumMinutes)
    return language == .vi
      ? "mỗi lần xả đá tối đa \(defrost) và \(after) sau đó, mỗi lần mở cửa tối đa \(door)"
      : "each defrost up to \(defrost) and \(after) after it, each door opening up to \(door)"
  }

  /// `Defrosts: 4 (1 h 40 min in all, longest 30 min)` / `Xả đá: 4 lần (tổng cộng 1 giờ 40 phút, lâu nhất 30 phút)`.
  func spanSummary(_ signal: RoomSignal, _ summary: SpanSummary, format: ReportFormatter) -> String {
    let label = self(signal == .defrost ? .defrosts : .doorOpenings)
    guard summary.count > 0 else { return "\(label): \(self(.noneRecorded))" }
    return language == .vi
      ? "\(label): \(summary.count) lần (tổng cộng \(format.minutes(summary.minutes)), "
        + "lâu nhất \(format.minutes(summary.longestMinutes)))"
      : "\(label): \(summary.count) (\(format.minutes(summary.minutes)) in all, "
        + "longest \(format.minutes(summary.longestMinutes)))"
  }

  /// The note on a span past its maximum: `longer than the maximum of 60 min`.
  func overMaximum(_ span: StayRoomSpan, format: ReportFormatter) -> String? {
    guard ReportSpanLimits.minutesOverMaximum(span) > 0 else { return nil }
    return "\(self(.longerThanMaximum)) \(format.minutes(ReportSpanLimits.maximumMinutes(span.span.signal)))"
  }

  /// The line closing a capped span list: `… and 12 more (every span is in the JSON and CSV reports)`.
  func moreSpans(_ count: Int) -> String {
    language == .vi
      ? "… và \(count) lần khác (đầy đủ trong báo cáo JSON và CSV)"
      : "… and \(count) more (every span is in the JSON and CSV reports)"
  }
}
