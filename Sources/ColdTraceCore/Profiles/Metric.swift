/// A quantity a probe measures and a product profile limits: air temperature or relative humidity.
///
/// The raw values are the reading payload's field names (`temp_c`, `rh_pct`).
public enum Metric: String, Sendable, Codable, CaseIterable {
  case temperature = "temp_c"
  case humidity = "rh_pct"

  /// The unit as an operator reads it after a number: `°C` or `%`.
  public var unit: String {
    switch self {
    case .temperature: "°C"
    case .humidity: "%"
    }
  }

  /// The word used in alert messages and tables: `temperature` or `humidity`.
  public var label: String {
    switch self {
    case .temperature: "temperature"
    case .humidity: "humidity"
    }
  }

  /// This metric's value in `sample`, or `nil` when the sample does not carry it.
  public func value(in sample: Sample) -> Double? {
    switch self {
    case .temperature: sample.tempC
    case .humidity: sample.rhPct
    }
  }

  /// `value` with its unit, for messages: `7.4 °C`, `83 %`.
  public func format(_ value: Double) -> String {
    "\(OperatorText.number(value)) \(unit)"
  }
}
