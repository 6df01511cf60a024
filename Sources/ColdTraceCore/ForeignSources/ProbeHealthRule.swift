/// A wireless probe's own health, as its message reports it: battery charge and radio link.
public struct ProbeHealth: Sendable, Equatable {
  /// Battery charge, % (Zigbee2MQTT `battery`, Shelly `battery` topic or `devicepower:0.battery.percent`).
  public var batteryPct: Double?
  /// Zigbee link quality, 0…255 (Zigbee2MQTT `linkquality`).
  public var linkQuality: Double?
  /// Wi-Fi signal, dBm (Shelly Gen2 `wifi.rssi`).
  public var rssiDBm: Double?

  public init(batteryPct: Double? = nil, linkQuality: Double? = nil, rssiDBm: Double? = nil) {
    self.batteryPct = batteryPct
    self.linkQuality = linkQuality
    self.rssiDBm = rssiDBm
  }

  public var isEmpty: Bool { batteryPct == nil && linkQuality == nil && rssiDBm == nil }
}

/// `battery_low` and `weak_signal` for a source's wireless probes: warnings that open when the battery or the link
/// falls below its limit and resolve once it is back above the limit plus a margin (so a value wavering at the limit
/// does not open and resolve on every message). A dead battery or a lost link ends in `offline`; these warn before.
///
/// Pure: which of the two a probe has open comes in and goes out as `open`.
public struct ProbeHealthRule: Sendable, Equatable {
  public var batteryLowPct: Double = 20
  public var weakLinkQuality: Double = 20
  public var weakRSSIDBm: Double = -85
  /// How far above its limit a value must come back to resolve: 5 % of battery, 10 link quality, 5 dB.
  static let batteryMargin = 5.0
  static let linkQualityMargin = 10.0
  static let rssiMargin = 5.0

  public init() {}

  /// Where each value of `health` stands against its limit: below it (0), within the margin above it (1), clear (2),
  /// battery first, then the link (Zigbee, else Wi-Fi); absent values are -1. Whatever `judge` does with a value
  /// depends only on this and on what is open, so a publisher that passes on the values whenever these zones change
  /// (the agent's status, `SiteProbeReport`) lets another judge reach the same alerts.
  public func zones(_ health: ProbeHealth) -> [Int] {
    func zone(_ value: Double?, limit: Double, margin: Double) -> Int {
      guard let value else { return -1 }
      return value < limit ? 0 : value < limit + margin ? 1 : 2
    }
    return [
      zone(health.batteryPct, limit: batteryLowPct, margin: Self.batteryMargin),
      zone(health.linkQuality, limit: weakLinkQuality, margin: Self.linkQualityMargin),
      health.linkQuality == nil ? zone(health.rssiDBm, limit: weakRSSIDBm, margin: Self.rssiMargin) : -1,
    ]
  }

  /// The events `health`, reported at `at`, causes for probe `key`; `productID` is what the alert lines name.
  public func judge(_ health: ProbeHealth, key: SensorKey, productID: String, at: Timestamp, open: inout Set<AlertKind>)
    -> [AlertEvent]
  {
    var events: [AlertEvent] = []
    func change(_ kind: AlertKind, value: Double, low: Bool, clear: Bool, limit: Double, what: String) {
      let type: AlertEventType
      if low && !open.contains(kind) {
        open.insert(kind)
        type = .opened
      } else if clear && open.contains(kind) {
        open.remove(kind)
        type = .resolved
      } else {
        return
      }
      let message =
        type == .opened
        ? "\(what) of \(key.sensor) is \(JSONText.number(value)), below \(JSONText.number(limit)); "
          + (kind == .batteryLow ? "replace the battery" : "move the probe or add a router or repeater")
        : "\(what) of \(key.sensor) is back at \(JSONText.number(value))"
      events.append(
        AlertEvent(
          type: type, key: key, kind: kind, severity: .warning, productID: productID, at: at, limit: limit,
          value: value, peak: nil, message: message))
    }
    if let battery = health.batteryPct {
      change(
        .batteryLow, value: battery, low: battery < batteryLowPct, clear: battery >= batteryLowPct + Self.batteryMargin,
        limit: batteryLowPct, what: "battery %")
    }
    if let quality = health.linkQuality {
      change(
        .weakSignal, value: quality, low: quality < weakLinkQuality,
        clear: quality >= weakLinkQuality + Self.linkQualityMargin, limit: weakLinkQuality, what: "Zigbee link quality")
    } else if let rssi = health.rssiDBm {
      change(
        .weakSignal, value: rssi, low: rssi < weakRSSIDBm, clear: rssi >= weakRSSIDBm + Self.rssiMargin,
        limit: weakRSSIDBm, what: "Wi-Fi signal dBm")
    }
    return events
  }
}
