import ColdTraceCore

extension ReportFormatter {
  /// The report's probe list: how many, then each probe with its placement and its calibration certificate and due
  /// date, or "no calibration on record", so an importer sees where each probe hung and which readings came from a
  /// calibrated probe.
  func probeList(_ report: LotReport) -> String {
    let probes = report.probes.map { probe in
      let placement = strings.placement(probe.placement)
      guard let calibration = report.calibrations[probe.name] else {
        let none = language == .en ? "no calibration on record" : "chưa có hồ sơ hiệu chuẩn"
        return "\(probe.name) (\(placement), \(none))"
      }
      let due = time(calibration.due)
      return probe.name
        + (language == .en
          ? " (\(placement), certificate \(calibration.certificate), due \(due))"
          : " (\(placement), chứng nhận \(calibration.certificate), hạn \(due))")
    }
    return "\(report.probes.count): \(probes.joined(separator: ", "))"
  }
}
