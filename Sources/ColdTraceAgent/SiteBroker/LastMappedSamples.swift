import ColdTraceCore
import ColdTraceSystem

/// The last sample of each probe the `mqtt` driver put in the outbox, kept in `state_dir/mqtt-last-samples.tsv`
/// across restarts: the repeat filter lives in memory, so without it a state the site broker retains with its payload
/// time (a Zigbee2MQTT device with `retain: true`) would come back after a restart as a new sample with a new `seq`.
/// One line per probe: `sensor<TAB>ts_ms<TAB>temp_c<TAB>rh_pct`, `-` for no value.
struct LastMappedSamples: Sendable, Equatable {
  static let fileName = "mqtt-last-samples.tsv"
  private(set) var samples: [String: Sample] = [:]

  init(_ samples: [String: Sample] = [:]) { self.samples = samples }

  /// Whether `sample` of `sensor` is the very one stored last (same time, same values): a replay.
  func isReplay(_ sample: Sample, of sensor: String) -> Bool {
    guard let last = samples[sensor] else { return false }
    return last.ts == sample.ts && last.tempC == sample.tempC && last.rhPct == sample.rhPct
  }

  mutating func note(_ records: [OutboxRecord]) {
    for record in records {
      samples[record.sensor] = Sample(
        seq: nil, ts: record.sample.ts, tempC: record.sample.tempC, rhPct: record.sample.rhPct)
    }
  }

  var text: String {
    samples.sorted { $0.key < $1.key }.map { sensor, sample in
      let fields = [sample.tempC, sample.rhPct].map { $0.map { "\($0)" } ?? "-" }
      return ([sensor, String(sample.ts.milliseconds)] + fields).joined(separator: "\t") + "\n"
    }.joined()
  }

  /// Reads `text`; lines that do not parse are skipped (the memory is an optimisation, never a reason not to start).
  init(text: String) {
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 4, let ms = Int64(fields[1]) else { continue }
      samples[fields[0]] = Sample(
        seq: nil, ts: Timestamp(milliseconds: ms), tempC: Double(fields[2]), rhPct: Double(fields[3]))
    }
  }

  static func load(directory: String) -> LastMappedSamples {
    let text = (try? DurableFile.read(directory + "/" + fileName)) ?? nil
    return text.map { LastMappedSamples(text: $0) } ?? LastMappedSamples()
  }

  func save(directory: String) throws(DurableFileError) {
    try DurableFile.replace(directory + "/" + Self.fileName, with: text)
  }
}
