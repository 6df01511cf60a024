/// What a lot's imported leg says of itself wherever it is listed: `coldtrace lot show` (a summary read without the
/// readings) and the lot report (the leg with its readings).
public protocol ImportedLegFields {
  /// The operator's name for the leg, e.g. `farm-packhouse`.
  var name: String { get }
  var logger: String? { get }
  var fileName: String { get }
  var fileSHA256: String { get }
  var importedBy: String { get }
  var importedAt: Timestamp { get }
  /// The logger's first and last reading, and how many there are.
  var from: Timestamp { get }
  var to: Timestamp { get }
  var readingCount: Int { get }
}

extension ImportedLeg: ImportedLegFields {
  public var readingCount: Int { series.count }
}

extension JSONObjectWriter {
  /// An imported leg's own members, in this order: `leg`, `source` (only when given: the lot report marks its legs
  /// `imported`), `logger`, `file`, `file_sha256`, `imported_by`, `imported_at`, `from`, `to` (RFC 3339 UTC) and
  /// `readings`. The one encoder of `coldtrace lot show --json`'s `imported_legs` and the lot report's.
  public mutating func importedLeg(_ leg: some ImportedLegFields, source: String? = nil) {
    string("leg", leg.name)
    if let source { string("source", source) }
    string("logger", leg.logger)
    string("file", leg.fileName)
    string("file_sha256", leg.fileSHA256)
    string("imported_by", leg.importedBy)
    string("imported_at", leg.importedAt.rfc3339)
    string("from", leg.from.rfc3339)
    string("to", leg.to.rfc3339)
    integer("readings", leg.readingCount)
  }
}
