/// What a third-party publisher sends, by family: where the value and the time are in its message (docs/protocol.md,
/// "Sources"). Each preset is one extraction in `PresetExtraction`; the ids, units and time policy come from the
/// `[[source]]` table (`SourceMapping`).
public enum SourcePreset: String, Sendable, CaseIterable {
  /// `zigbee2mqtt/<friendly_name>`: a JSON object with `temperature`, `humidity` and, with `advanced.last_seen`
  /// set, `last_seen` (ISO 8601 with a zone, or epoch milliseconds).
  case zigbee2mqtt
  /// `tele/<topic>/SENSOR`: `{"Time":"2026-11-29T10:40:00","DS18B20-1":{"Id":"…","Temperature":3.4},"TempUnit":"C"}`;
  /// `Time` is the ESP's local time without an offset.
  case tasmota
  /// `shellies/<id>/sensor/temperature` and `…/humidity`: a plain number per topic, no time.
  case shellyGen1 = "shelly-gen1"
  /// `<id>/events/rpc`: `NotifyStatus` with `params.ts` (Unix seconds) and `temperature:N.tC`, `humidity:N.rh`.
  case shellyGen2 = "shelly-gen2"
  /// `<prefix>/sensor/<object_id>/state`: a plain number, retained by default, no time.
  case esphome
  /// `collectd/<host>/<plugin>/<type>`: `<epoch seconds>:<value>`; the type (`temperature`, `humidity`) says which.
  case collectd
  /// Home Assistant's `mqtt_statestream`: `<base>/sensor/<entity>/state`, a plain number, no time.
  case haStatestream = "ha-statestream"
  /// Any JSON object, with the value and time fields named in the table.
  case json
  /// A plain number.
  case plain

  /// Whether the preset's messages can carry their own time, so `time = "payload"` is possible.
  public var hasPayloadTime: Bool {
    switch self {
    case .zigbee2mqtt, .tasmota, .shellyGen2, .collectd, .json: return true
    case .shellyGen1, .esphome, .haStatestream, .plain: return false
    }
  }

  /// The payload time field when the table names none (`collectd` carries its time before the value).
  public var defaultTimeField: String? {
    switch self {
    case .zigbee2mqtt: return "last_seen"
    case .tasmota: return "Time"
    case .shellyGen2: return "params.ts"
    default: return nil
    }
  }

  /// The unit of a numeric payload time when the table names none: Zigbee2MQTT's `epoch` is milliseconds.
  /// Whether `PresetExtraction` reads the topic's levels (a bridge topic, a Shelly Gen1 metric, a collectd type).
  var readsTopicLevels: Bool { self == .zigbee2mqtt || self == .shellyGen1 || self == .collectd }

  public var defaultTimeUnit: PayloadTime.Unit { self == .zigbee2mqtt ? .milliseconds : .seconds }

  /// A value-unchanged message of the same probe within this many seconds of the last one stored is a repeat of
  /// cached state, not a reading, unless the table says otherwise: Zigbee2MQTT re-sends every cached attribute with
  /// each report (a battery report repeats the temperature), Home Assistant publishes a state on attribute changes.
  public var defaultRepeatWithinSeconds: Double {
    switch self {
    case .zigbee2mqtt, .haStatestream: return 900
    default: return 0
    }
  }

  public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Which quantity a plain-number message carries.
public enum SourceMetric: String, Sendable, CaseIterable {
  case temperature
  case humidity
}

/// The temperature unit a source publishes in (a payload that states its own, like Tasmota's `TempUnit`, wins).
public enum TemperatureUnit: String, Sendable, CaseIterable {
  case celsius = "C"
  case fahrenheit = "F"

  func celsius(_ value: Double) -> Double { self == .celsius ? value : (value - 32) * 5 / 9 }
}
