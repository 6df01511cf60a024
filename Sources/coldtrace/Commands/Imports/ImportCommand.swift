import ArgumentParser
import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import a standalone logger's CSV export as a leg of a lot (the truck, the reefer), for its report.",
    discussion: """
      The file's columns are given by the options: which holds the time (or two, e.g. Date+Time), how the time is
      written and at which UTC offset, the temperature (°C or °F) and optionally the humidity, the delimiter, the
      decimal comma, and how many lines of the logger's own header come before the table. Every row must read; a row
      that does not stops the import with its line number and nothing is stored. The leg is stored with the file's
      SHA-256, its name, who imported it and when; importing the same file again changes nothing, a leg that overlaps
      another leg of the lot is refused. The lot report shows the leg marked as imported, with its own figures.
      Presets read the exports of Tinytag Explorer (--preset tinytag) and T&D Graph (--preset tandd); options given
      with a preset override it.

      Examples:
        coldtrace import --lot LT-2026-0612 --leg farm-packhouse --logger "RC-5 EF1234" truck.csv \\
          --time-column Time --time-format "dd/MM/yyyy HH:mm:ss" --temp-column "Temperature" --by lan
        coldtrace import --lot LT-2026-0612 --leg reefer reefer.csv --delimiter ";" --decimal-comma \\
          --skip-lines 6 --time-column Date+Time --time-format "dd.MM.yyyy HH:mm" --temp-column 3 --unit F
        coldtrace import --lot LT-2026-0612 --leg port-truck tinytag.csv --preset tinytag --rh-column 4
      """
  )

  @OptionGroup var global: GlobalOptions
  @Option(help: "The lot the leg belongs to.") var lot: String
  @Option(help: "A name for the leg, e.g. farm-packhouse (1–64 of A-Z a-z 0-9 . _ -).") var leg: String
  @Argument(help: "The logger's CSV export.") var file: String
  @Option(help: "The logger: model and serial number, as printed on it.") var logger: String?
  @Option(help: "Who imports it (default: $USER).") var by: String?
  @OptionGroup var mapping: LoggerMappingOptions

  func run() throws {
    let lotID = try validated(lot, as: .lot, option: "--lot")!
    // A leg's name follows the id rule (it is a key of the lot's legs and a pseudo-room of the report).
    guard (try? Identifier.validate(leg, as: .lot)) != nil else {
      throw UsageError("--leg must be 1–64 of A-Z a-z 0-9 . _ - (e.g. farm-packhouse), not \(JSONText.quoted(leg))")
    }
    let legName = leg
    if let logger, logger.isEmpty || logger.count > 128 { throw UsageError("--logger must be 1–128 characters") }
    let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    guard !who.isEmpty, who.count <= 128,
      !who.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else { throw UsageError("--by must name a person (1–128 characters, no control characters)") }
    var rules = try mapping.mapping()
    let bytes = try Self.contents(of: file)
    let settings = try global.settings()
    let store = try global.openStore()
    if mapping.utcOffset == nil {
      // Times without an offset are the lot's site's local time (the config's `time_zone`), not a fixed +07:00.
      rules.timeZone = settings.timeZones.zone(ofSite: try store.lot(lotID)?.placements.first?.site ?? "")
    }
    let readings: [ImportedReading]
    do {
      readings = try LoggerCSVReader.read(Self.text(of: bytes), mapping: rules)
    } catch {
      throw UsageError(error.line > 0 ? "\(file):\(error.line): \(error.message)" : "\(file): \(error.message)")
    }
    let request = LegImportRequest(
      lot: lotID, leg: legName, logger: logger, fileName: URL(fileURLWithPath: file).lastPathComponent,
      fileSHA256: JournalChain.hash(bytes: [UInt8](bytes)), importedBy: who, importedAt: WallClock.now(),
      readings: readings)
    let outcome: LegImportOutcome
    do {
      outcome = try store.write { tx in try tx.importLeg(request) }
    } catch let error as LegImportError {
      throw UsageError(error.description)
    }
    switch outcome {
    case .alreadyImported(let leg, let rows, let at):
      print(
        "\(file) was already imported for lot \(lotID) as leg \(leg) (\(rows) readings, \(at.rfc3339)); nothing changed"
      )
    case .imported(let rows):
      do {
        try AlertJournal(path: settings.journal ?? AlertJournal.defaultPath(forDatabase: store.path)).catchUp(
          from: store)
      } catch {
        // The leg is stored; the collector writes the journal line at its next catch-up.
        StandardError.write("coldtrace: warning: \(error); the journal will catch up later\n")
      }
      print(
        "lot \(lotID) leg \(legName): \(rows) readings from \(request.fileName), "
          + "\(readings.first!.time.rfc3339) to \(readings.last!.time.rfc3339), sha256 \(request.fileSHA256)")
    }
  }

  /// The most of a file `coldtrace import` reads: far more than any logger's export (an Elitech RC-5 holds 32,000
  /// readings, about 1 MiB as CSV), far less than would strain the machine the shell runs on.
  static let maximumFileBytes = 64 << 20

  /// The file's bytes, read no further than `maximumFileBytes` (a larger file, or a device that never ends, is
  /// refused rather than read into memory).
  static func contents(of file: String) throws -> Data {
    guard let handle = FileHandle(forReadingAtPath: file) else { throw UsageError("cannot read \(file)") }
    defer { try? handle.close() }
    let bytes: Data
    do {
      bytes = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
    } catch {
      throw UsageError("cannot read \(file): \(error.localizedDescription)")
    }
    guard bytes.count <= maximumFileBytes else {
      throw UsageError(
        "\(file) is larger than \(maximumFileBytes >> 20) MiB, too large for a logger's export "
          + "(an Elitech RC-5's 32,000 readings make about 1 MiB); nothing imported")
    }
    return bytes
  }

  /// The file as text: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, else Windows-1252
  /// (what many loggers' Windows programs write, e.g. the `°` of `°C`).
  static func text(of bytes: Data) -> String {
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]),
      let text = String(data: bytes, encoding: .utf16)
    {
      return text
    }
    if let text = String(data: bytes, encoding: .utf8) { return text }
    return String(data: bytes, encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
  }
}
