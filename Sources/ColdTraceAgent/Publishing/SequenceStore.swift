import ColdTraceSystem

/// Per-sensor sequence numbers that survive restarts, power cuts included (SPEC: `seq` strictly increasing).
///
/// The file (`<state_dir>/sequence.state`, one `sensor seq` line per probe) is replaced atomically and fsynced before
/// the samples carrying the new numbers are published, so a number is never handed out twice.
public final class SequenceStore {
  public let path: String
  private var last: [String: Int64]

  public init(directory: String) throws {
    path = directory + "/sequence.state"
    last = [:]
    guard let text = try DurableFile.read(path) else { return }
    for (number, line) in text.split(separator: "\n").enumerated() {
      let fields = line.split(separator: " ")
      guard fields.count == 2, let seq = Int64(fields[1]), seq >= 0 else {
        throw SequenceStoreError(description: "\(path):\(number + 1): expected `<sensor> <seq>`, found \"\(line)\"")
      }
      last[String(fields[0])] = seq
    }
  }

  /// The last number given to `sensor` (0 if none yet).
  public func lastSequence(of sensor: String) -> Int64 { last[sensor] ?? 0 }

  /// Reserves the next number for each of `sensors` and makes the reservation durable before returning.
  public func next(for sensors: [String]) throws -> [Int64] {
    let numbers = sensors.map { (last[$0] ?? 0) + 1 }
    for (sensor, number) in zip(sensors, numbers) { last[sensor] = number }
    let text = last.keys.sorted().map { "\($0) \(last[$0]!)\n" }.joined()
    try DurableFile.replace(path, with: text)
    return numbers
  }
}

/// A sequence file that cannot be read back.
public struct SequenceStoreError: Error, CustomStringConvertible {
  public let description: String
}
