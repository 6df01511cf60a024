/// A leg of a lot's journey recorded by a standalone logger and imported from its file (`coldtrace import`): the
/// transport between rooms (farm → packhouse, packhouse → port, the reefer). Shown in the lot report marked as
/// imported, with figures of its own; not one of the lot's room stays.
public struct ImportedLeg: Sendable, Equatable {
  /// The operator's name for the leg, e.g. `farm-packhouse`.
  public var name: String
  /// The logger, as the operator named it (model and serial number), if given.
  public var logger: String?
  /// The imported file's name (without its directory) and the SHA-256 of its bytes, in hex.
  public var fileName: String
  public var fileSHA256: String
  public var importedBy: String
  public var importedAt: Timestamp
  /// The logger's readings, first to last; `site` is `import` and `room` and `sensor` are the leg's name.
  public var series: ProbeSeries

  public init(
    name: String, logger: String?, fileName: String, fileSHA256: String, importedBy: String, importedAt: Timestamp,
    series: ProbeSeries
  ) {
    self.name = name
    self.logger = logger
    self.fileName = fileName
    self.fileSHA256 = fileSHA256
    self.importedBy = importedBy
    self.importedAt = importedAt
    self.series = series
  }

  /// The pseudo-site of an imported leg's series.
  public static let site = "import"

  public var from: Timestamp { Timestamp(milliseconds: series.fromMilliseconds) }
  public var to: Timestamp { Timestamp(milliseconds: series.toMilliseconds) }
}
