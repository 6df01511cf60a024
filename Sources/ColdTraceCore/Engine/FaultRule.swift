/// The sensor-fault rule: a probe that reports errors, repeats one value far too long, or jumps faster than air in a
/// cold room can change is faulty, whatever the temperature says. One `sensor_fault` alert (warning) per probe, opened
/// on the first sign and resolved by the next plausible reading.
public struct FaultRule: Sendable, Equatable {
  /// Consecutive `error` samples before the alert opens.
  public var errorsBeforeAlert = 3
  /// The same temperature for at least this many readings and this long is a stuck probe.
  public var stuckReadings = 30
  public var stuckSeconds: Double = 6 * 3600
  /// A change faster than this (°C per minute) between consecutive readings is not physical for room air; readings
  /// less than a minute apart are held to the same change per reading, so probe noise at fast rates is no fault.
  public var maxStepPerMinute = 10.0

  public init() {}

  /// Judges one sample (already accepted by the engine as newer than the last); returns the fault event, if any.
  func evaluate(_ sample: Sample, key: SensorKey, productID: String, state: inout FaultState) -> AlertEvent? {
    if let error = sample.error {
      state.consecutiveErrors += 1
      return open(
        state.consecutiveErrors >= errorsBeforeAlert, &state, sample, key, productID,
        "\(key.sensor) reported \(state.consecutiveErrors) errors in a row, last: \(error)")
    }
    state.consecutiveErrors = 0
    guard let value = sample.tempC else { return nil }
    defer { state.previous = (value, sample.ts) }
    if let previous = state.previous {
      let minutes = sample.ts.seconds(since: previous.ts) / 60
      let step = abs(value - previous.value) / max(minutes, 1)
      if step > maxStepPerMinute {
        state.sameValueSince = nil
        return open(
          true, &state, sample, key, productID,
          "\(key.sensor) jumped from \(OperatorText.number(previous.value)) to \(OperatorText.number(value)) °C in "
            + "\(OperatorText.number(minutes)) min; check the probe and its placement")
      }
      if value == previous.value {
        let since = state.sameValueSince ?? (previous.ts, 1)
        state.sameValueSince = (since.ts, since.count + 1)
        if since.count + 1 >= stuckReadings && sample.ts.seconds(since: since.ts) >= stuckSeconds {
          return open(
            true, &state, sample, key, productID,
            "\(key.sensor) has read exactly \(OperatorText.number(value)) °C \(since.count + 1) times since "
              + "\(since.ts.rfc3339); the probe looks stuck")
        }
        return nil
      }
    }
    state.sameValueSince = nil
    guard state.openSince != nil else { return nil }
    state.openSince = nil
    return AlertEvent(
      type: .resolved, key: key, kind: .sensorFault, severity: .warning, productID: productID, at: sample.ts,
      limit: nil, value: value, peak: nil,
      message: "\(key.sensor) reads plausibly again (\(OperatorText.number(value)) °C)")
  }

  private func open(
    _ condition: Bool, _ state: inout FaultState, _ sample: Sample, _ key: SensorKey, _ productID: String,
    _ message: String
  ) -> AlertEvent? {
    guard condition, state.openSince == nil else { return nil }
    state.openSince = sample.ts
    return AlertEvent(
      type: .opened, key: key, kind: .sensorFault, severity: .warning, productID: productID, at: sample.ts,
      limit: nil, value: sample.tempC, peak: nil, message: message)
  }
}

/// What the fault rule remembers about one probe.
public struct FaultState: Sendable, Codable, Equatable {
  public var consecutiveErrors = 0
  public var openSince: Timestamp?
  var previousValue: Double?
  var previousTs: Timestamp?
  var sameSince: Timestamp?
  var sameCount = 0

  public init() {}

  var previous: (value: Double, ts: Timestamp)? {
    get { previousValue.flatMap { value in previousTs.map { (value, $0) } } }
    set {
      previousValue = newValue?.value
      previousTs = newValue?.ts
    }
  }

  var sameValueSince: (ts: Timestamp, count: Int)? {
    get { sameSince.map { ($0, sameCount) } }
    set {
      sameSince = newValue?.ts
      sameCount = newValue?.count ?? 0
    }
  }
}
