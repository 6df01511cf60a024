import CTimex
import ColdTraceCore

#if canImport(Glibc)
  import Glibc
#endif

/// What the kernel says about its clocks: whether the wall clock is synchronised (an NTP daemon such as
/// systemd-timesyncd or chrony clears `STA_UNSYNC` once it has set the time), the boot-time clock that runs through
/// suspends and is never set, and which boot this is.
public enum KernelClock {
  /// `ntp_adjtime` without changing anything: synchronised unless it returns `TIME_ERROR` or `STA_UNSYNC` is set.
  /// A box without an NTP daemon stays unsynchronised however right its clock may be (a VM, a board with a
  /// battery-backed clock): such a box says so in its config (`[clock] sync = "trust"`).
  public static func isSynchronised() -> Bool {
    var status = timex()
    let state = ntp_adjtime(&status)
    return state != TIME_ERROR && status.status & STA_UNSYNC == 0
  }

  /// Milliseconds on `CLOCK_BOOTTIME`: since the boot, suspends included; no one sets it, so it never jumps.
  public static func bootMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_BOOTTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
  }

  /// This boot, as the first 16 hex digits of `/proc/sys/kernel/random/boot_id` (a random UUID the kernel makes at
  /// every boot): boot-time milliseconds of two boots cannot be compared. 0 if it cannot be read.
  public static func bootID() -> UInt64 {
    guard let text = try? DurableFile.read("/proc/sys/kernel/random/boot_id") else { return 0 }
    let digits = text.filter(\.isHexDigit).prefix(16)
    return UInt64(digits, radix: 16) ?? 0
  }
}
