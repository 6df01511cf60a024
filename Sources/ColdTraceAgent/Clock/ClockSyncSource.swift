import ColdTraceConfig
import ColdTraceSystem

/// Tells the agent whether its wall clock is synchronised (docs/protocol.md, "Clock synchronisation"). Samples taken
/// while it is not keep their boot-time clock reading, and are stamped again once it is (`ClockKeeper`).
public protocol ClockSyncSource: Sendable {
  func isSynchronised() -> Bool
}

/// The kernel's own status (`ntp_adjtime`): what an NTP daemon sets. The default.
public struct KernelClockSync: ClockSyncSource {
  public init() {}
  public func isSynchronised() -> Bool { KernelClock.isSynchronised() }
}

/// The clock is taken as right (`sync = "trust"`): a box whose clock is kept without NTP (a battery-backed clock, a
/// VM whose host sets it), where the kernel says "unsynchronised" for ever.
public struct TrustedClockSync: ClockSyncSource {
  public init() {}
  public func isSynchronised() -> Bool { true }
}

/// A test and fault hook (`sync = "file"`): the file `sync_file` says `synced` (after trimming white space) or
/// anything else, a missing file included, for not synchronised. Read at every look, so a test flips it at will.
public struct FileClockSync: ClockSyncSource {
  public let path: String
  public init(path: String) { self.path = path }
  public func isSynchronised() -> Bool {
    guard let text = try? DurableFile.read(path) else { return false }
    return text.split(whereSeparator: \.isWhitespace) == ["synced"]
  }
}

/// The `[clock]` table of `agent.toml`.
public struct ClockSettings: Sendable {
  public enum Sync: Sendable, Equatable {
    case kernel
    case trust
    case file(String)
  }

  public var sync: Sync = .kernel
  /// How long after the box's boot samples taken with an unsynchronised clock wait in the outbox for it to
  /// synchronise before they are sent marked `unsynced` (`wait_minutes`; 0: never wait).
  public var waitSeconds: Double = 0

  public init(sync: Sync = .kernel, waitSeconds: Double = 0) {
    self.sync = sync
    self.waitSeconds = waitSeconds
  }

  public func makeSource() -> any ClockSyncSource {
    switch sync {
    case .kernel: KernelClockSync()
    case .trust: TrustedClockSync()
    case .file(let path): FileClockSync(path: path)
    }
  }

  static func load(_ table: ConfigTable) throws(ConfigError) -> ClockSettings {
    try table.rejectUnknownKeys(allowed: ["sync", "sync_file", "wait_minutes"])
    var settings = ClockSettings()
    switch try table.string("sync") ?? "kernel" {
    case "kernel": settings.sync = .kernel
    case "trust": settings.sync = .trust
    case "file":
      guard let path = try table.string("sync_file"), path.hasPrefix("/") else {
        throw table.invalid("sync_file", "is required with sync = \"file\": an absolute path")
      }
      settings.sync = .file(path)
    case let other:
      throw table.invalid("sync", "\"\(other)\" is not one of kernel, trust, file")
    }
    if case .file = settings.sync {
    } else if try table.string("sync_file") != nil {
      throw table.invalid("sync_file", "only goes with sync = \"file\"")
    }
    settings.waitSeconds = try table.double("wait_minutes", .within(0...525_600, "a year"), default: 0) * 60
    return settings
  }
}
