import ColdTraceCore
import ColdTraceSystem
import Logging

/// Follows whether the wall clock is synchronised and decides, once per boot, how the samples taken while it was not
/// are published (docs/durability.md, "Clocks that are not synchronised").
///
/// While the clock is not synchronised each sample's outbox record keeps its boot and the offset of the wall clock
/// from the boot-time clock (`UnsyncedStamp`). The first of two things decides for the boot: the clock synchronises
/// (its offset then is kept, and those samples are stamped again from it, `corrected`), or the box has been up
/// `waitSeconds` without it (they are sent as stamped, marked `unsynced`). Until then the agent publishes nothing, so
/// no sample leaves with a time it would later change. The decision is saved in `<state_dir>/outbox/clock` (one line
/// per boot, replaced atomically) before anything is published on its strength, so a restarted agent stamps every
/// re-send alike. The file keeps every boot whose samples are still in an outbox segment (`unsyncedBootsInOutbox`),
/// however many boots ago, and the latest 8 besides: a forgotten decision would send a sample sent `corrected` again
/// `unsynced` with another `ts`, which the collector refuses (`seq_reused`). Samples of a boot that ended before its
/// clock synchronised are sent `unsynced`: the boot-time clock does not survive a reboot.
final class ClockKeeper {
  let source: any ClockSyncSource
  let waitMilliseconds: Int64
  let path: String
  /// This boot (`KernelClock.bootID`).
  let boot: UInt64
  let logger: Logger
  /// The boots whose unsynchronised samples the outbox still holds (`Outbox.unsyncedBoots`): never dropped from the
  /// file.
  let unsyncedBootsInOutbox: () -> Set<UInt64>
  private(set) var decisions: [UInt64: BootClockDecision] = [:]
  /// Boots in the order their decisions were made, oldest first (the file keeps the latest `keptBoots`, and those
  /// still in the outbox).
  private var order: [UInt64] = []
  /// As of the latest `update`.
  private(set) var synchronised = true
  private var looked = false
  /// The latest attempt to save this boot's decision failed.
  private var unsaved = false
  static let keptBoots = 8

  init(
    source: any ClockSyncSource, waitSeconds: Double, outboxDirectory: String, boot: UInt64 = KernelClock.bootID(),
    unsyncedBootsInOutbox: @escaping () -> Set<UInt64>, logger: Logger
  ) throws {
    self.unsyncedBootsInOutbox = unsyncedBootsInOutbox
    self.source = source
    self.waitMilliseconds = Int64(waitSeconds * 1000)
    self.path = outboxDirectory + "/clock"
    self.boot = boot
    self.logger = logger
    for line in (try DurableFile.read(path) ?? "").split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count >= 2, let boot = UInt64(fields[0], radix: 16) else { continue }
      if fields[1] == "sent_unsynced" {
        remember(boot, .sentUnsynced)
      } else if fields.count == 3, fields[1] == "synchronised", let offset = Int64(fields[2]) {
        remember(boot, .synchronised(offsetMilliseconds: offset))
      }
    }
  }

  /// Looks at the source at wall-clock `now` and boot-time `bootMilliseconds`, and makes this boot's decision when it
  /// is due, saving it before it counts. A decision that cannot be saved (a full disk) is tried again at the next
  /// look, and nothing is published meanwhile.
  func update(now: Timestamp, bootMilliseconds: Int64) {
    let synchronised = source.isSynchronised()
    if synchronised != self.synchronised || !looked {
      if synchronised && looked {
        logger.notice("clock: the wall clock is synchronised now")
      } else if !synchronised {
        let wait = waitMilliseconds / 60_000
        let message =
          "clock: the wall clock is not synchronised (no NTP yet?); samples keep the boot-time clock and are "
          + "stamped again once it is, or sent marked unsynced after \(wait) min of uptime; a box whose clock is "
          + "right without NTP says [clock] sync = \"trust\""
        logger.warning("\(message)")
      }
      self.synchronised = synchronised
      looked = true
    }
    guard decisions[boot] == nil else { return }
    if synchronised {
      decide(.synchronised(offsetMilliseconds: now.milliseconds - bootMilliseconds))
    } else if bootMilliseconds >= waitMilliseconds {
      if waitMilliseconds > 0 && !unsaved {
        logger.warning("clock: still not synchronised after \(waitMilliseconds / 60_000) min; sending marked unsynced")
      }
      decide(.sentUnsynced)
    }
  }

  /// Whether publishing waits for the clock: this boot not decided yet, and the clock not synchronised (or the
  /// decision not saved).
  var holding: Bool { decisions[boot] == nil && (!synchronised || unsaved) }

  /// What the record of a sample taken now keeps of the clock: `nil` when it is synchronised.
  func stamp(now: Timestamp, bootMilliseconds: Int64) -> UnsyncedStamp? {
    synchronised ? nil : UnsyncedStamp(boot: boot, offsetMilliseconds: now.milliseconds - bootMilliseconds)
  }

  /// The sample of `record` as it is published.
  func published(_ record: OutboxRecord) -> Sample {
    ClockCorrection.published(record.sample, stamp: record.clock, decisions: decisions)
  }

  /// While holding: when to look again (every 5 s, or when the wait runs out if sooner).
  func nextLook(now: Timestamp, bootMilliseconds: Int64) -> Timestamp? {
    guard holding else { return nil }
    return now.adding(seconds: min(5, Double(max(0, waitMilliseconds - bootMilliseconds)) / 1000))
  }

  private func decide(_ decision: BootClockDecision) {
    var text = ""
    let earlier = order.filter { $0 != boot }
    let latest = Set(earlier.suffix(Self.keptBoots - 1))
    let inOutbox = unsyncedBootsInOutbox()
    for boot in earlier.filter({ latest.contains($0) || inOutbox.contains($0) }) + [boot] {
      let hex = String(boot, radix: 16)
      switch boot == self.boot ? decision : decisions[boot] {
      case .synchronised(let offset)?: text += "\(hex) synchronised \(offset)\n"
      case .sentUnsynced?: text += "\(hex) sent_unsynced\n"
      case nil: break
      }
    }
    do {
      try DurableFile.replace(path, with: text)
    } catch {
      if !unsaved { logger.error("clock: cannot save \(path): \(error); publishing waits until it can") }
      unsaved = true
      return
    }
    unsaved = false
    remember(boot, decision)
  }

  private func remember(_ boot: UInt64, _ decision: BootClockDecision) {
    decisions[boot] = decision
    order.removeAll { $0 == boot }
    order.append(boot)
  }
}
