import ColdRoomSimulation
import ColdTraceCore
import Testing

/// Over many generated weeks of an air-only room (docs/alert-rules.md, "Defrost and doors"): a normal week, whatever
/// its defrosts, doors and product, raises no critical alert once the defrosts and doors are known; a real failure
/// always raises one, before the product's pulp leaves its critical band.
@Suite("Room conditions over generated weeks")
struct RoomConditionPropertyTests {
  private let start = Timestamp.parseRFC3339("2026-06-12T17:00:00Z")!
  private let products = [BuiltInProfiles.litchi, BuiltInProfiles.longan]

  /// A room with `perDay` defrosts of `minutes`, 1–3 t of product, its step coarse enough for a week in a test.
  private func configuration(_ rng: inout SplitMix64) -> ColdRoom.Configuration {
    var configuration = ColdRoom.Configuration()
    configuration.stepSeconds = 30
    configuration.defrost.perDay = Int.random(in: 2...6, using: &rng)
    configuration.defrost.minutes = Double(Int.random(in: 15...35, using: &rng))
    configuration.defrost.firstLocalHour = Double(Int.random(in: 0..<(24 / configuration.defrost.perDay), using: &rng))
    configuration.product.massKg = Double(Int.random(in: 1000...3000, using: &rng))
    return configuration
  }

  /// Deliveries and picking: 0–4 door openings a day of 2–8 min, at random times.
  private func doorOpenings(days: Int, _ rng: inout SplitMix64) -> [RoomEvent] {
    (0..<days).flatMap { day in
      (0..<Int.random(in: 0...4, using: &rng)).map { _ in
        RoomEvent(
          atSeconds: Double(day * 86_400 + Int.random(in: 3600...82_800, using: &rng)),
          kind: .doorOpen(minutes: Double(Int.random(in: 2...8, using: &rng))))
      }
    }
  }

  @Test func generatedNormalWeeksRaiseNoCriticalAlert() {
    for seed in UInt64(1)...12 {
      var rng = SplitMix64(seed: seed)
      let configuration = configuration(&rng)
      let profile = products[Int(seed) % products.count]
      var room = RoomConditionRig.room(
        configuration, start: start, events: doorOpenings(days: 7, &rng), seed: seed)
      var rig = RoomConditionRig(profile: profile, sampleMinutes: [1, 2, 5].randomElement(using: &rng)!)
      rig.play(&room, minutes: 7 * 1440)
      let critical = rig.events.filter { $0.severity == .critical }
      let listed = critical.map { "\($0.kind.rawValue) \($0.key.sensor) at \($0.at.rfc3339)" }
      let described = "\(configuration.defrost.perDay)×\(configuration.defrost.minutes) min defrosts, \(profile.id)"
      #expect(critical.isEmpty, "seed \(seed): \(described): \(listed.joined(separator: "; "))")
    }
  }

  @Test func theSameWeeksWithoutDefrostAndDoorAwarenessWouldHaveAlarmed() {
    // The contrast, so the property above can fail: the same rooms, every pause off, spend the lot's budget.
    var alarmed = 0
    for seed in UInt64(1)...4 {
      var rng = SplitMix64(seed: seed)
      var configuration = configuration(&rng)
      configuration.defrost.perDay = 4
      configuration.defrost.minutes = 30
      var room = RoomConditionRig.room(configuration, start: start, events: doorOpenings(days: 7, &rng), seed: seed)
      var rig = RoomConditionRig(profile: BuiltInProfiles.litchi, sampleMinutes: 5, pauses: false)
      rig.play(&room, minutes: 7 * 1440)
      if rig.events.contains(where: { $0.severity == .critical && $0.kind == .budget }) { alarmed += 1 }
    }
    #expect(alarmed == 4)
  }

  @Test(arguments: ["compressor", "door", "power"])
  func aRealFailureAlwaysRaisesACriticalAlertBeforeTheProductLeavesItsCriticalBand(failure: String) {
    for seed in UInt64(1)...8 {
      var rng = SplitMix64(seed: seed)
      let configuration = configuration(&rng)
      let at = Double(Int.random(in: 2 * 3600...20 * 3600, using: &rng))
      let kind: RoomEvent.Kind =
        switch failure {
        case "compressor": .compressorFailure(minutes: 24 * 60)
        case "door": .doorOpen(minutes: 60)
        default: .powerCut(minutes: 180)
        }
      var room = RoomConditionRig.room(
        configuration, start: start, events: [RoomEvent(atSeconds: at, kind: kind)], seed: seed)
      var blind = room
      var rig = RoomConditionRig(profile: BuiltInProfiles.litchi, sampleMinutes: 2)
      rig.play(&room, minutes: 30 * 60)
      var unaware = RoomConditionRig(profile: BuiltInProfiles.litchi, sampleMinutes: 2, pauses: false)
      unaware.play(&blind, minutes: 30 * 60)
      let first = rig.firstCritical
      #expect(
        first != nil,
        "seed \(seed), \(failure) at +\(Int(at / 60)) min: no critical alert; unaware: \(unaware.firstCritical.map { "\($0.kind) \($0.at)" } ?? "none"), peak air \(unaware.peakAir)"
      )
      if let first, let left = rig.productLeftCriticalBandAt {
        #expect(first.at <= left, "seed \(seed): \(first.kind.rawValue) at \(first.at.rfc3339), pulp past at \(left)")
      }
      if let first {
        #expect(first.at.seconds(since: start) >= at, "seed \(seed): critical before the failure")
      }
    }
  }
}
