import ColdTraceSystem
import ColdTraceTOML

/// A TOML configuration file read with errors an operator can act on: the file, the key, and what was expected.
public struct ConfigTable {
  public let path: String
  let table: TOMLTable
  let prefix: String
  let locator: ConfigLineLocator?

  /// Parses `text` (the content of `path`). A syntax error names the line and column.
  public init(path: String, text: String) throws(ConfigError) {
    do {
      self.init(path: path, table: try TOMLReader.parse(text), prefix: "", locator: ConfigLineLocator(text: text))
    } catch {
      throw ConfigError("\(path):\(error.line):\(error.column): \(error.reason)")
    }
  }

  /// The longest configuration file read: a path to a device or a huge file is refused, not read into memory.
  public static let maxFileBytes = 1 << 20

  /// Reads and parses the file at `path`, which must be UTF-8 text (as TOML requires) of at most `maxFileBytes`.
  public init(contentsOf path: String) throws(ConfigError) {
    let bytes: [UInt8]?
    do {
      bytes = try DurableFile.readBytes(path, maxBytes: Self.maxFileBytes)
    } catch {
      throw ConfigError("\(error)")
    }
    guard let bytes else { throw ConfigError("config file \(path) does not exist") }
    try self.init(path: path, text: try Self.utf8Text(bytes, path: path))
  }

  /// The file's text, or an error naming the first line that is not UTF-8 (decoding would silently replace it).
  static func utf8Text(_ bytes: [UInt8], path: String) throws(ConfigError) -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    var line = 1
    for slice in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      if String(validating: slice, as: UTF8.self) == nil { break }
      line += 1
    }
    throw ConfigError("\(path):\(line): not UTF-8 text; TOML files must be UTF-8")
  }

  init(path: String, table: TOMLTable, prefix: String, locator: ConfigLineLocator?) {
    self.path = path
    self.table = table
    self.prefix = prefix
    self.locator = locator
  }

  public var keys: [String] { table.keys }

  public func string(_ key: String) throws(ConfigError) -> String? {
    guard let value = table[key] else { return nil }
    guard let text = value.string else { throw mistyped(key, "a string") }
    return text
  }

  public func double(_ key: String) throws(ConfigError) -> Double? {
    guard let value = table[key] else { return nil }
    if let number = value.double { return number }
    if let number = value.int { return Double(number) }
    throw mistyped(key, "a number")
  }

  public func bool(_ key: String) throws(ConfigError) -> Bool? {
    guard let value = table[key] else { return nil }
    guard let flag = value.bool else { throw mistyped(key, "true or false") }
    return flag
  }

  public func int(_ key: String) throws(ConfigError) -> Int? {
    guard let value = table[key] else { return nil }
    guard let number = value.int else { throw mistyped(key, "an integer") }
    return number
  }

  /// An array of strings (`command = ["/usr/local/bin/read-probe", "--bus", "1"]`).
  public func strings(_ key: String) throws(ConfigError) -> [String]? {
    guard let value = table[key] else { return nil }
    guard let array = value.array else { throw mistyped(key, "an array of strings") }
    var result: [String] = []
    for element in array {
      guard let text = element.string else { throw mistyped(key, "an array of strings") }
      result.append(text)
    }
    return result
  }

  /// An array of arrays of numbers (`calibration_c = [[0.4, 0.0], [40.3, 40.0]]`).
  public func numberArrays(_ key: String) throws(ConfigError) -> [[Double]]? {
    guard let value = table[key] else { return nil }
    guard let outer = value.array else { throw mistyped(key, "an array of arrays of numbers") }
    var result: [[Double]] = []
    for element in outer {
      guard let inner = element.array else { throw mistyped(key, "an array of arrays of numbers") }
      var row: [Double] = []
      for number in inner {
        guard let double = number.double ?? number.int.map(Double.init) else {
          throw mistyped(key, "an array of arrays of numbers")
        }
        row.append(double)
      }
      result.append(row)
    }
    return result
  }

  public func table(_ key: String) throws(ConfigError) -> ConfigTable? {
    guard let value = table[key] else { return nil }
    guard let inner = value.table else { throw mistyped(key, "a table") }
    return ConfigTable(path: path, table: inner, prefix: qualified(key) + ".", locator: locator)
  }

  /// An array of tables (`[[sensor]]`).
  public func tables(_ key: String) throws(ConfigError) -> [ConfigTable] {
    guard let value = table[key] else { return [] }
    guard let array = value.array else { throw mistyped(key, "an array of tables ([[\(key)]])") }
    var result: [ConfigTable] = []
    for (index, element) in array.enumerated() {
      guard let inner = element.table else { throw mistyped("\(key)[\(index)]", "a table") }
      result.append(
        ConfigTable(path: path, table: inner, prefix: "\(qualified(key))[\(index + 1)].", locator: locator))
    }
    return result
  }

  /// Rejects keys this program does not know, so a typo is not silently ignored.
  public func rejectUnknownKeys(allowed: Set<String>) throws(ConfigError) {
    for key in keys where !allowed.contains(key) {
      throw ConfigError(
        "\(location(of: key)): unknown key `\(qualified(key))` (known: \(allowed.sorted().joined(separator: ", ")))")
    }
  }

  /// An error about `key` in this file.
  public func invalid(_ key: String, _ reason: String) -> ConfigError {
    ConfigError("\(location(of: key)): `\(qualified(key))` \(reason)")
  }

  /// `path:line` of the key when it can be found in the file, else `path`.
  private func location(of key: String) -> String {
    guard let line = locator?.line(ofKey: key, inTable: prefix) else { return path }
    return "\(path):\(line)"
  }

  private func qualified(_ key: String) -> String { prefix + key }

  private func mistyped(_ key: String, _ expected: String) -> ConfigError {
    invalid(key, "must be \(expected)")
  }
}

/// A configuration that cannot be used; one line naming the file and the key.
public struct ConfigError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
