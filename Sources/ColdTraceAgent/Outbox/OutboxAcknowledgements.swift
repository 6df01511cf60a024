import ColdTraceCore
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// The collector's watermarks: applied to the segments, and kept in `acknowledged.state`.
extension Outbox {
  /// Applies the collector's watermarks; deletes segments they fully cover. Returns whether anything moved.
  ///
  /// The watermarks are saved (`acknowledged.state`, two fsyncs) before any segment they cover is deleted. With
  /// `deferSaving`, a watermark that deletes nothing is only kept in memory until `saveAcknowledgedIfPending()`: the
  /// segments still hold every number, so a crash meanwhile costs only re-sends of samples the collector already has
  /// (stored once), never a lost sample nor a number used twice.
  @discardableResult
  public func acknowledge(_ watermarks: [String: Int64], deferSaving: Bool = false) throws -> Bool {
    var moved = false
    for (sensor, watermark) in watermarks where watermark > acknowledged[sensor, default: 0] {
      unsavedAcknowledgements += Int(clamping: watermark - acknowledged[sensor, default: 0])
      acknowledged[sensor] = watermark
      moved = true
    }
    guard moved else { return false }
    let deletes = segments.count > 1 && segments[0].isAcknowledged(by: acknowledged)
    if deferSaving && !deletes {
      acknowledgementUnsaved = true
    } else {
      try saveAcknowledged()
    }
    if deletes { beforeForgetting?() }
    // Never delete the newest segment: it holds the highest sequence numbers.
    while segments.count > 1, segments[0].isAcknowledged(by: acknowledged) {
      unlink(segments.removeFirst().path)
    }
    return true
  }

  var acknowledgedPath: String { directory + "/acknowledged.state" }

  func loadAcknowledged() throws {
    guard let text = try DurableFile.read(acknowledgedPath) else { return }
    for (number, line) in text.split(separator: "\n").enumerated() {
      let fields = line.split(separator: " ")
      if fields.count == 2, fields[0] == "#dropped", let count = Int(fields[1]) {
        dropped = count
      } else if fields.count == 2, let seq = Int64(fields[1]) {
        acknowledged[String(fields[0])] = seq
      } else {
        throw OutboxError("\(acknowledgedPath):\(number + 1): expected `<sensor> <seq>`, found \"\(line)\"")
      }
    }
  }

  /// Saves watermarks that `acknowledge(_:deferSaving:)` kept in memory only, if any.
  public func saveAcknowledgedIfPending() throws {
    if acknowledgementUnsaved { try saveAcknowledged() }
  }

  func saveAcknowledged() throws {
    var text = "#dropped \(dropped)\n"
    for sensor in acknowledged.keys.sorted() { text += "\(sensor) \(acknowledged[sensor]!)\n" }
    try DurableFile.replace(acknowledgedPath, with: text)
    acknowledgementUnsaved = false
    unsavedAcknowledgements = 0
  }
}
