/// The integrity seal of a lot report: SHA-256 digests of the data the report covers (the lot's placements over the
/// period, every reading in them, the probes' placements and the rooms' defrost and door spans) and the head of the
/// alert journal when the report was made, so the report can be checked against the database later
/// (`coldtrace report <lot> --verify FILE`).
///
/// Every report format that carries a seal writes it as one token, `coldtrace-integrity:v2;key=value;…`, which the
/// verifier finds in a text, JSON or HTML file alike. Version 1 (before probe placements and room spans judged the
/// lot) has no `probes` and `spans` digests and its overall digest covers placements and readings only; such a seal
/// is still read and checked as it was made.
public struct ReportSeal: Sendable, Equatable {
  /// The seal format this report was made with (1 or 2); new reports are made with `currentVersion`.
  public var version: Int
  public var lot: String
  public var from: Timestamp
  public var to: Timestamp
  public var readings: Int
  /// SHA-256 (hex) of the lot header and its placements clipped to the period.
  public var placementsSHA256: String
  /// SHA-256 (hex) of every reading covered, probe by probe, oldest first.
  public var readingsSHA256: String
  /// SHA-256 (hex) of each probe's placement (air, product, …) per room stay: what decides which probes judge the lot
  /// (version 2).
  public var probesSHA256: String?
  /// SHA-256 (hex) of the rooms' defrost and door spans during the stays (version 2).
  public var spansSHA256: String?
  /// SHA-256 (hex) of the digests above: the one number to quote.
  public var sha256: String
  /// The newest alert-journal event and the SHA-256 of its line, if the journal has any event.
  public var journalEventID: Int64?
  public var journalSHA256: String?

  public init(
    version: Int = ReportSeal.currentVersion, lot: String, from: Timestamp, to: Timestamp, readings: Int,
    placementsSHA256: String, readingsSHA256: String, probesSHA256: String? = nil, spansSHA256: String? = nil,
    sha256: String, journalEventID: Int64? = nil, journalSHA256: String? = nil
  ) {
    self.version = version
    self.lot = lot
    self.from = from
    self.to = to
    self.readings = readings
    self.placementsSHA256 = placementsSHA256
    self.readingsSHA256 = readingsSHA256
    self.probesSHA256 = probesSHA256
    self.spansSHA256 = spansSHA256
    self.sha256 = sha256
    self.journalEventID = journalEventID
    self.journalSHA256 = journalSHA256
  }

  public static let currentVersion = 2
  /// The versions this build can check.
  public static let versions = 1...2
  static let marker = "coldtrace-integrity:v"

  /// The text the overall digest hashes, for `version`: the component digests, concatenated.
  public static func overallInput(
    version: Int, placements: String, readings: String, probes: String, spans: String
  ) -> String {
    version >= 2 ? placements + readings + probes + spans : placements + readings
  }

  /// The seal as one token without spaces, quotes or angle brackets.
  public var token: String {
    var parts = [
      "lot=\(lot)", "from=\(from.milliseconds)", "to=\(to.milliseconds)", "readings=\(readings)",
      "placements=\(placementsSHA256)", "data=\(readingsSHA256)",
    ]
    if version >= 2 { parts += ["probes=\(probesSHA256 ?? "")", "spans=\(spansSHA256 ?? "")"] }
    parts.append("sha256=\(sha256)")
    if let journalEventID, let journalSHA256 { parts += ["journal=\(journalEventID):\(journalSHA256)"] }
    return "\(Self.marker)\(version);" + parts.joined(separator: ";")
  }

  /// The first seal token found in `text`, or `nil` when there is none, it is damaged or its version is unknown.
  public static func find(in text: String) -> ReportSeal? {
    guard let start = text.firstRange(of: marker) else { return nil }
    let rest = text[start.upperBound...].prefix { !$0.isWhitespace && $0 != "\"" && $0 != "<" && $0 != "'" }
    guard let semicolon = rest.firstIndex(of: ";"), let version = Int(rest[..<semicolon]), versions.contains(version)
    else { return nil }
    var fields: [String: String] = [:]
    for part in rest[rest.index(after: semicolon)...].split(separator: ";") {
      guard let equals = part.firstIndex(of: "=") else { return nil }
      fields[String(part[..<equals])] = String(part[part.index(after: equals)...])
    }
    guard let lot = fields["lot"], let from = fields["from"].flatMap({ Int64($0) }),
      let to = fields["to"].flatMap({ Int64($0) }), let readings = fields["readings"].flatMap({ Int($0) }),
      let placements = fields["placements"], let data = fields["data"], let sha256 = fields["sha256"]
    else { return nil }
    if version >= 2 && (fields["probes"] == nil || fields["spans"] == nil) { return nil }
    var seal = ReportSeal(
      version: version, lot: lot, from: Timestamp(milliseconds: from), to: Timestamp(milliseconds: to),
      readings: readings, placementsSHA256: placements, readingsSHA256: data, probesSHA256: fields["probes"],
      spansSHA256: fields["spans"], sha256: sha256)
    if let journal = fields["journal"], let colon = journal.firstIndex(of: ":") {
      seal.journalEventID = Int64(journal[..<colon])
      seal.journalSHA256 = String(journal[journal.index(after: colon)...])
    }
    return seal
  }
}
