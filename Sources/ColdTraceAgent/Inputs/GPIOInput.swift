import ColdTraceConfig
import ColdTraceCore

/// A contact wired to one of the edge box's GPIO lines, read from the line's sysfs value file (`driver = "gpio"`):
/// the kernel writes `1` or `0` there. `active_low` lines read `0` when the contact is made.
public final class GPIOInput: RoomInput {
  /// The value file, under the sysfs root.
  public let path: String
  public let activeLow: Bool

  public init(path: String, activeLow: Bool) {
    self.path = path
    self.activeLow = activeLow
  }

  public func read(at time: Timestamp) -> InputValue {
    let text: String
    do {
      text = try SysfsFile.text(path)
    } catch {
      return .fault("gpio \(path): \(error.reason)")
    }
    switch text {
    case "1": return .state(!activeLow)
    case "0": return .state(activeLow)
    default: return .fault("gpio \(path): expected 0 or 1, found \(SysfsFile.quoted(text))")
    }
  }
}

/// `driver = "gpio"`: `path` (the line's value file, e.g. `"/sys/class/gpio/gpio17/value"`, an absolute path read under
/// `--sysfs-root`) and `active_low` (`true`: the line reads 0 when the contact is made).
public enum GPIOInputDriver: InputDriver {
  public static let name = "gpio"
  public static let keys: Set<String> = ["path", "active_low"]

  public static func factory(signal: RoomSignal, table: ConfigTable) throws(ConfigError)
    -> @Sendable (SensorContext) -> any RoomInput
  {
    guard let path = try table.string("path"), path.hasPrefix("/") else {
      throw table.invalid("path", "is required: the GPIO line's value file, e.g. \"/sys/class/gpio/gpio17/value\"")
    }
    let activeLow = try table.bool("active_low") ?? false
    return { context in GPIOInput(path: SysfsFile.path(context.sysfsRoot, path), activeLow: activeLow) }
  }
}
