import ColdTraceCore

extension ReportFormatter {
  /// The report's probe list: how many, then each probe with its calibration certificate and due date, or "no
  /// calibration on record", so an importer sees which readings came from a calibrated probe.
  func probeList(_ report: LotReport) -> String {
    let probes = report.probes.map { probe in
      guard let calibration = report.calibrations[probe] else {
        return probe + (language == .en ? " (no calibration on record)" : " (chưa có hồ sơ hiệu chuẩn)")
      }
      let due = time(calibration.due)
      return probe
        + (language == .en
          ? " (certificate \(calibration.certificate), due \(due))"
          : " (chứng nhận \(calibration.certificate), hạn \(due))")
    }
    return "\(report.probes.count): \(probes.joined(separator: ", "))"
  }
}
