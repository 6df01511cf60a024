/// A compact binary form of `SensorRuleState`, for the collector to save after every batch.
///
/// The collector saves each probe's engine state in the transaction of the readings that changed it. With JSON
/// (Foundation's `JSONEncoder`) that save cost about as much as storing the reading itself; this form is written with
/// plain byte appends. Layout: the format byte `1`, then the fields in declaration order (`pausedSince` last, absent
/// from blobs saved before pauses existed), little-endian, each optional
/// behind a presence byte. A stored JSON state (from collectors before this form) starts with `{` and still loads.
extension SensorRuleState {
  static let binaryFormat: UInt8 = 1

  /// The state as bytes for `init(binary:)`.
  public func binaryEncoded() -> [UInt8] {
    var writer = StateWriter()
    writer.bytes.reserveCapacity(96 + 16 * trend.times.count)
    writer.byte(Self.binaryFormat)
    writer.timestamp(lastTs)
    for band in [temperatureHigh, temperatureLow, humidityHigh, humidityLow] {
      writer.timestamp(band.warningRunStart)
      writer.timestamp(band.criticalRunStart)
      writer.flag(band.open != nil)
      if let open = band.open {
        writer.byte(open.severity == .critical ? 1 : 0)
        writer.int(open.openedAt.milliseconds)
        writer.double(open.peak)
      }
    }
    writer.timestamp(offlineSince)
    writer.int(Int64(fault.consecutiveErrors))
    writer.timestamp(fault.openSince)
    writer.optionalDouble(fault.previousValue)
    writer.timestamp(fault.previousTs)
    writer.timestamp(fault.sameSince)
    writer.int(Int64(fault.sameCount))
    writer.int(Int64(trend.times.count))
    for time in trend.times { writer.int(time) }
    for value in trend.values { writer.double(value) }
    writer.timestamp(trend.risingSince)
    writer.timestamp(trend.openedAt)
    writer.optionalDouble(trend.peakRate)
    writer.timestamp(pausedSince)
    return writer.bytes
  }

  /// Reads what `binaryEncoded()` wrote; `nil` for anything else (another format, a truncated or damaged blob).
  public init?(binary bytes: some Collection<UInt8>) {
    var reader = StateReader(Array(bytes))
    guard reader.byte() == Self.binaryFormat, let state = Self.read(&reader), reader.isAtEnd else { return nil }
    self = state
  }

  private static func read(_ reader: inout StateReader) -> SensorRuleState? {
    var state = SensorRuleState()
    guard let lastTs = reader.timestamp() else { return nil }
    state.lastTs = lastTs
    var bands: [BandState] = []
    for _ in 0..<4 {
      guard let warning = reader.timestamp(), let critical = reader.timestamp(), let hasOpen = reader.flag() else {
        return nil
      }
      var band = BandState(warningRunStart: warning, criticalRunStart: critical)
      if hasOpen {
        guard let severity = reader.byte(), severity <= 1, let openedAt = reader.int(), let peak = reader.double()
        else { return nil }
        band.open = OpenAlert(
          severity: severity == 1 ? .critical : .warning, openedAt: Timestamp(milliseconds: openedAt), peak: peak)
      }
      bands.append(band)
    }
    (state.temperatureHigh, state.temperatureLow, state.humidityHigh, state.humidityLow) =
      (bands[0], bands[1], bands[2], bands[3])
    guard let offlineSince = reader.timestamp(), let errors = reader.int(), let openSince = reader.timestamp(),
      let previousValue = reader.optionalDouble(), let previousTs = reader.timestamp(),
      let sameSince = reader.timestamp(), let sameCount = reader.int(), let count = reader.int(),
      (0...100_000).contains(count)
    else { return nil }
    state.offlineSince = offlineSince
    state.fault.consecutiveErrors = Int(errors)
    state.fault.openSince = openSince
    state.fault.previousValue = previousValue
    state.fault.previousTs = previousTs
    state.fault.sameSince = sameSince
    state.fault.sameCount = Int(sameCount)
    var times: [Int64] = []
    var values: [Double] = []
    for _ in 0..<count {
      guard let time = reader.int() else { return nil }
      times.append(time)
    }
    for _ in 0..<count {
      guard let value = reader.double() else { return nil }
      values.append(value)
    }
    state.trend.times = times
    state.trend.values = values
    guard let risingSince = reader.timestamp(), let openedAt = reader.timestamp(),
      let peakRate = reader.optionalDouble()
    else { return nil }
    state.trend.risingSince = risingSince
    state.trend.openedAt = openedAt
    state.trend.peakRate = peakRate
    // Blobs saved before defrost and door pauses existed end here.
    if !reader.isAtEnd {
      guard let pausedSince = reader.timestamp() else { return nil }
      state.pausedSince = pausedSince
    }
    return state
  }
}

/// Appends fixed-width little-endian fields to a byte array.
struct StateWriter {
  var bytes: [UInt8] = []

  mutating func byte(_ value: UInt8) { bytes.append(value) }
  mutating func flag(_ value: Bool) { bytes.append(value ? 1 : 0) }

  mutating func int(_ value: Int64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func double(_ value: Double) { int(Int64(bitPattern: value.bitPattern)) }

  mutating func timestamp(_ value: Timestamp?) {
    flag(value != nil)
    if let value { int(value.milliseconds) }
  }

  mutating func optionalDouble(_ value: Double?) {
    flag(value != nil)
    if let value { double(value) }
  }
}

/// Reads what `StateWriter` wrote; every read returns `nil` past the end or on a malformed presence byte. Optional
/// fields come back doubly wrapped: `nil` for a damaged blob, `.some(nil)` for an absent value.
struct StateReader {
  private let bytes: [UInt8]
  private var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { offset == bytes.count }

  mutating func byte() -> UInt8? {
    guard offset < bytes.count else { return nil }
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func flag() -> Bool? {
    switch byte() {
    case 0: false
    case 1: true
    default: nil
    }
  }

  mutating func int() -> Int64? {
    guard bytes.count - offset >= 8 else { return nil }
    var value: UInt64 = 0
    for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
    offset += 8
    return Int64(bitPattern: value)
  }

  mutating func double() -> Double? { int().map { Double(bitPattern: UInt64(bitPattern: $0)) } }

  mutating func timestamp() -> Timestamp?? {
    guard let present = flag() else { return nil }
    guard present else { return .some(nil) }
    guard let milliseconds = int() else { return nil }
    return .some(Timestamp(milliseconds: milliseconds))
  }

  mutating func optionalDouble() -> Double?? {
    guard let present = flag() else { return nil }
    guard present else { return .some(nil) }
    guard let value = double() else { return nil }
    return .some(value)
  }
}
