import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport

/// An SQLite database written by the real storage code the collector and the shell commands use (`SQLiteStore`,
/// `WriteTransaction`): two sites, readings across a month's end, alerts opened, acknowledged and resolved with their
/// journal lines and notifications, lots added, moved and closed with rule state, a silence, a quarantined payload,
/// engine state, a late reading and a site bridge.
struct MigrationSource {
  static let hongxuan = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-1")
  static let hongxuanRH = SensorKey(site: "hongxuan", room: "cold2", sensor: "probe-2")
  static let dalat = SensorKey(site: "dalat", room: "cold1", sensor: "probe-3")
  /// 2026-11-30T12:00:00Z: the readings run into December (two monthly partitions).
  static let start = Timestamp(milliseconds: 1_796_040_000_000)

  let path: String
  let readingsPerProbe: Int

  init(readingsPerProbe: Int = 2_000) throws {
    self.readingsPerProbe = readingsPerProbe
    let directory = try TemporaryDirectory.make(prefix: "migrate")
    path = directory.appendingPathComponent("coldtrace.db").path
    let clock = ManualClock()
    let store = try SQLiteStore(path: path)
    store.useNotificationRouting(NotificationRouting(routes: [NotificationRoute(channel: "sms")], clock: clock))
    let at = { (minute: Int) in Self.start.adding(seconds: Double(minute) * 60) }
    try store.write { tx in
      for key in [Self.hongxuan, Self.hongxuanRH, Self.dalat] {
        let source = try tx.sourceID(for: key, agent: "\(key.site)-edge")
        let samples = (0..<readingsPerProbe).map { minute in
          Sample(
            seq: Int64(minute + 1), ts: at(minute), tempC: 3.5 + Double(minute % 40) / 10,
            rhPct: key == Self.hongxuanRH ? 91.25 : nil,
            error: minute == 7 ? "sensor \"open\", circuit\\" : nil,
            timeQuality: minute == 8 ? .unsynced : nil)
        }
        _ = try tx.insertNew(samples, source: source)
        try tx.saveEngineState(SensorRuleState(lastTs: at(readingsPerProbe - 1)), source: source)
        try tx.saveWatermark(Int64(readingsPerProbe), source: source)
        try tx.recordLate([samples[3]], source: source)
      }
      _ = try tx.addLot("LT-1", product: "litchi", market: "EU", site: "hongxuan", room: "cold2", at: at(0))
      _ = try tx.addLot("LT-2", product: "longan", market: nil, site: "dalat", room: "cold1", at: at(5))
      try tx.saveLotRuleState(LotRuleState(), lot: "LT-1")
      _ = try tx.addSilence(
        try SilenceScope.parse("dalat/cold1"), from: at(10), until: at(20), reason: "cleaning", by: "lan")
      try tx.recordSiteBridge(SiteBridgeState(site: "dalat", up: true, since: at(0), seen: at(30)))
      let payload: [UInt8] = [0x7B, 0x00, 0xFF, 0x22]
      try payload.withUnsafeBytes {
        try tx.quarantine(
          topic: "coldtrace/v1/reading/hongxuan/cold2/probe-9", payload: $0, reason: "bad_json", detail: "not JSON",
          at: at(3))
      }
    }
    for round in 0..<3 {
      let opened = try store.write { tx in try tx.apply(Self.event(.opened, Self.hongxuan, at: at(100 + round * 60))) }
      if round != 1 {
        _ = try store.write { tx in
          try tx.acknowledge(
            alertID: opened.alert.id, by: "lan", note: "door closed, \"checked\"", at: at(101 + round * 60))
        }
      }
      _ = try store.write { tx in try tx.apply(Self.event(.resolved, Self.hongxuan, at: at(130 + round * 60))) }
    }
    _ = try store.write { tx in try tx.apply(Self.event(.opened, Self.dalat, severity: .warning, at: at(400))) }
    _ = try store.write { tx in try tx.moveLot("LT-1", site: "hongxuan", room: "cold3", at: at(500)) }
    _ = try store.write { tx in try tx.closeLot("LT-1", at: at(600)) }
  }

  static func event(
    _ type: AlertEventType, _ key: SensorKey, severity: Severity = .critical, at: Timestamp
  ) -> AlertEvent {
    AlertEvent(
      type: type, key: key, kind: .tempHigh, severity: severity, productID: "litchi", at: at, limit: 5, value: 7.5,
      peak: 7.5, message: "temperature 7.5 °C above 5 °C (Vải thiều)")
  }
}
