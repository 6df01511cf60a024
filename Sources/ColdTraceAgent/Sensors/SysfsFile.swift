import ColdTraceConfig
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// A sysfs attribute that could not be read or did not hold what was expected: the file's name as `ls` shows it in
/// the device's directory, and the kernel's reason (`in_temp_input: Connection timed out`).
public struct SysfsReadError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var reason: String

  public init(file: String, reason: String) {
    self.file = file
    self.reason = reason
  }

  public var description: String { "\(file): \(reason)" }
}

/// The sysfs side of the w1, IIO and hwmon drivers: paths under a (possibly fake) sysfs root, attribute files read with
/// the kernel's own error text, and directory listings in the kernel's numbering order.
///
/// Reads use `open(2)`/`read(2)` directly so a flaky probe's `EIO` or `ETIMEDOUT` reaches the operator as the kernel
/// reported it. Retries are not done here: every driver gets them from `CalibratedSensor` (`retries`).
public enum SysfsFile {
  /// The largest attribute read; sysfs serves at most one page.
  static let maxBytes = 64 * 1024

  /// `relative` (e.g. `sys/bus/w1/devices`) under `root` (`/`, or a fixture tree).
  public static func path(_ root: String, _ relative: String) -> String {
    let base = root.hasSuffix("/") ? String(root.dropLast()) : root
    let tail = relative.hasPrefix("/") ? String(relative.dropFirst()) : relative
    return "\(base)/\(tail)"
  }

  /// Whether a file or directory exists at `path` (following symlinks, as sysfs class links need).
  public static func exists(_ path: String) -> Bool {
    access(path, F_OK) == 0
  }

  /// The attribute's text without surrounding whitespace (sysfs ends values with a newline).
  public static func text(_ path: String) throws(SysfsReadError) -> String {
    let file = name(of: path)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SysfsReadError(file: file, reason: errnoDescription()) }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < maxBytes {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw SysfsReadError(file: file, reason: errnoDescription())
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return trimmed(String(decoding: bytes, as: UTF8.self))
  }

  /// An integer attribute, such as `temp1_input` (milli °C).
  public static func integer(_ path: String) throws(SysfsReadError) -> Int {
    let value = try text(path)
    guard let number = Int(value) else {
      throw SysfsReadError(file: name(of: path), reason: "expected an integer, found \(quoted(value))")
    }
    return number
  }

  /// A decimal attribute, such as `in_temp_scale` (`2.517700195`) or `in_temp_offset` (`-15887.515151`).
  public static func number(_ path: String) throws(SysfsReadError) -> Double {
    let value = try text(path)
    guard let number = Double(value), number.isFinite else {
      throw SysfsReadError(file: name(of: path), reason: "expected a number, found \(quoted(value))")
    }
    return number
  }

  /// The entries of a directory (not `.` and `..`), sorted so `hwmon2` comes before `hwmon10`; empty when the
  /// directory does not exist.
  public static func entries(_ directory: String) -> [String] {
    guard let stream = opendir(directory) else { return [] }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted(by: kernelOrder)
  }

  /// Reads a required device-name key of a sysfs driver (`device = "28-0316a2b3c4ff"`), refusing paths so a config
  /// can only name an entry of the driver's own sysfs directory.
  public static func entryName(_ table: ConfigTable, _ key: String, example: String) throws(ConfigError) -> String {
    guard let value = try table.string(key) else {
      throw table.invalid(key, "is required, e.g. \(key) = \(quoted(example)) (coldtrace-agent probe lists them)")
    }
    guard !value.isEmpty, value != ".", value != "..", !value.contains("/") else {
      throw table.invalid(key, "must be a name such as \(quoted(example)), not a path")
    }
    return value
  }

  static func name(of path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }

  static func quoted(_ text: String) -> String {
    "\"\(text.count > 40 ? text.prefix(40) + "…" : text)\""
  }

  private static func trimmed(_ text: String) -> String {
    var scalars = Substring(text)
    while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
    while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
    return String(scalars)
  }

  /// Name order with trailing numbers compared as numbers: `hwmon2` < `hwmon10`, `iio:device9` < `iio:device10`.
  private static func kernelOrder(_ a: String, _ b: String) -> Bool {
    let (stemA, numberA) = split(a)
    let (stemB, numberB) = split(b)
    if stemA != stemB || numberA == nil || numberB == nil { return a < b }
    return numberA! < numberB!
  }

  private static func split(_ name: String) -> (Substring, Int?) {
    let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }.count
    let stem = name.dropLast(digits)
    return (stem, digits > 0 ? Int(name.suffix(digits)) : nil)
  }
}
