import ColdTraceCore
import Foundation

@testable import ColdTraceReport

/// A litchi lot for the EPCIS and signing tests: three hours in the pre-cooling room `pre1` (air probe, a 40-minute
/// excursion to 6.5 °C from minute 60), then three hours in `cold2` (pulp probe at 1 °C), closed; its product carries
/// a 14-day cold treatment at 1.5 °C. Starts 2026-06-12 08:00 at +07:00, so hours are whole local hours.
enum EPCISFixtures {
  static func report() -> LotReport {
    let warm = (0..<180).map { minute -> Double? in
      (60..<100).contains(minute) ? (minute < 80 ? 6.0 : 6.5) : 3.0
    }
    let cold = (0..<180).map { _ -> Double? in 1.0 }
    var input = ReportFixtures.input(
      [
        ReportFixtures.probe("pre1-air", room: "pre1", placement: .air, step: 1, minutes: 180, humidity: 92, warm),
        ReportFixtures.probe(
          "cold2-pulp", room: "cold2", placement: .product, fromMinute: 180, step: 1, minutes: 180, humidity: 88, cold),
      ], minutes: 360)
    input.lot = ReportFixtures.lot(rooms: ["pre1", "cold2"], minutes: 180)
    return LotReportBuilder.build(
      input, profile: ReportFixtures.profile(treatment: ColdTreatment(maxTempC: 1.5, days: 14)))
  }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  /// GS1's EPCIS 2.0 JSON Schema, from the shared reference data beside the repository.
  static let schema = root.deletingLastPathComponent().appendingPathComponent(
    "shared/data/epcis/EPCIS-JSON-Schema.json")
  static let validator = root.appendingPathComponent("scripts/validate-epcis.py")

  /// Runs scripts/validate-epcis.py on `documents` (written to temporary files): its exit status and output.
  static func validate(_ documents: [String]) throws -> (status: Int32, output: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coldtrace-epcis-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var paths: [String] = []
    for (index, document) in documents.enumerated() {
      let file = directory.appendingPathComponent("document\(index).jsonld")
      try document.write(to: file, atomically: true, encoding: .utf8)
      paths.append(file.path)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [validator.path, schema.path] + paths
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }

  /// The document parsed, and its events.
  static func parse(_ document: String) throws -> (document: [String: Any], events: [[String: Any]]) {
    let object = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] ?? [:]
    let body = object["epcisBody"] as? [String: Any] ?? [:]
    return (object, body["eventList"] as? [[String: Any]] ?? [])
  }
}
