/// The integrity seal of a lot report: SHA-256 digests of the data the report covers (the lot's placements over the
/// period and every reading in them) and the head of the alert journal when the report was made, so the report can be
/// checked against the database later (`coldtrace report <lot> --verify FILE`).
///
/// Every report format that carries a seal writes it as one token, `coldtrace-integrity:v1;key=value;…`, which the
/// verifier finds in a text, JSON or HTML file alike.
public struct ReportSeal: Sendable, Equatable {
  public var lot: String
  public var from: Timestamp
  public var to: Timestamp
  public var readings: Int
  /// SHA-256 (hex) of the lot header and its placements clipped to the period.
  public var placementsSHA256: String
  /// SHA-256 (hex) of every reading covered, probe by probe, oldest first.
  public var readingsSHA256: String
  /// SHA-256 (hex) of the two digests above: the one number to quote.
  public var sha256: String
  /// The newest alert-journal event and the SHA-256 of its line, if the journal has any event.
  public var journalEventID: Int64?
  public var journalSHA256: String?

  public init(
    lot: String, from: Timestamp, to: Timestamp, readings: Int, placementsSHA256: String, readingsSHA256: String,
    sha256: String, journalEventID: Int64? = nil, journalSHA256: String? = nil
  ) {
    self.lot = lot
    self.from = from
    self.to = to
    self.readings = readings
    self.placementsSHA256 = placementsSHA256
    self.readingsSHA256 = readingsSHA256
    self.sha256 = sha256
    self.journalEventID = journalEventID
    self.journalSHA256 = journalSHA256
  }

  public static let tokenPrefix = "coldtrace-integrity:v1;"

  /// The seal as one token without spaces, quotes or angle brackets.
  public var token: String {
    var parts = [
      "lot=\(lot)", "from=\(from.milliseconds)", "to=\(to.milliseconds)", "readings=\(readings)",
      "placements=\(placementsSHA256)", "data=\(readingsSHA256)", "sha256=\(sha256)",
    ]
    if let journalEventID, let journalSHA256 { parts += ["journal=\(journalEventID):\(journalSHA256)"] }
    return Self.tokenPrefix + parts.joined(separator: ";")
  }

  /// The first seal token found in `text`, or `nil` when there is none or it is damaged.
  public static func find(in text: String) -> ReportSeal? {
    guard let start = text.firstRange(of: tokenPrefix) else { return nil }
    let rest = text[start.upperBound...].prefix { !$0.isWhitespace && $0 != "\"" && $0 != "<" && $0 != "'" }
    var fields: [String: String] = [:]
    for part in rest.split(separator: ";") {
      guard let equals = part.firstIndex(of: "=") else { return nil }
      fields[String(part[..<equals])] = String(part[part.index(after: equals)...])
    }
    guard let lot = fields["lot"], let from = fields["from"].flatMap({ Int64($0) }),
      let to = fields["to"].flatMap({ Int64($0) }), let readings = fields["readings"].flatMap({ Int($0) }),
      let placements = fields["placements"], let data = fields["data"], let sha256 = fields["sha256"]
    else { return nil }
    var seal = ReportSeal(
      lot: lot, from: Timestamp(milliseconds: from), to: Timestamp(milliseconds: to), readings: readings,
      placementsSHA256: placements, readingsSHA256: data, sha256: sha256)
    if let journal = fields["journal"], let colon = journal.firstIndex(of: ":") {
      seal.journalEventID = Int64(journal[..<colon])
      seal.journalSHA256 = String(journal[journal.index(after: colon)...])
    }
    return seal
  }
}
