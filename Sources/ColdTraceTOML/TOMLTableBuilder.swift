/// A table while the document is read, with how it came to exist: TOML forbids defining a table twice, adding to an
/// inline table, and mixing `[header]` tables with dotted keys that would redefine them.
final class TOMLTableBuilder {
  enum Origin {
    /// Created on the way to a deeper header (`[a.b]` creates `a`); a later `[a]` may still define it once, or dotted
    /// keys extend it.
    case implicit
    /// Defined by its own `[header]` or as an element of `[[header]]`.
    case header
    /// Created by a dotted key (`a.b = 1` creates `a`).
    case dotted
  }

  enum Entry {
    /// A value, including arrays written as values and inline tables: both are closed once written.
    case value(TOMLValue)
    case table(TOMLTableBuilder)
    /// `[[name]]`: the elements so far.
    case tableArray([TOMLTableBuilder])
  }

  var origin: Origin
  var entries: [String: Entry] = [:]

  init(origin: Origin) { self.origin = origin }

  /// The finished table.
  func build() -> TOMLTable {
    TOMLTable(
      entries.mapValues { entry in
        switch entry {
        case .value(let value): return value
        case .table(let table): return .table(table.build())
        case .tableArray(let tables): return .array(tables.map { .table($0.build()) })
        }
      })
  }

  /// Sets `key` (dotted: `a.b.c`) to `value` inside this table, creating the tables before the last part; `nil` if
  /// the key is taken, with the reason.
  func set(_ key: [String], to value: TOMLValue) -> String? {
    var table = self
    for (depth, part) in key.dropLast().enumerated() {
      switch table.entries[part] {
      case nil:
        let created = TOMLTableBuilder(origin: .dotted)
        table.entries[part] = .table(created)
        table = created
      case .table(let existing) where existing.origin != .header:
        existing.origin = .dotted  // an implicit table extended by dotted keys is defined by them from now on
        table = existing
      case .table:
        return
          "table `\(Self.name(key.prefix(depth + 1)))` is defined by a [header]; it cannot be extended by a dotted key"
      case .value, .tableArray:
        return "`\(Self.name(key.prefix(depth + 1)))` already has a value; it cannot also be a table"
      }
    }
    let last = key[key.count - 1]
    guard table.entries[last] == nil else { return "`\(Self.name(key))` is defined twice" }
    table.entries[last] = .value(value)
    return nil
  }

  /// Defines the table of a `[header]` (`array == false`) or appends an element to the array of a `[[header]]`;
  /// returns the table that following keys go into, or the reason it cannot be.
  func open(_ key: [String], array: Bool) -> Result<TOMLTableBuilder, HeaderProblem> {
    var table = self
    for (depth, part) in key.dropLast().enumerated() {
      switch table.entries[part] {
      case nil:
        let created = TOMLTableBuilder(origin: .implicit)
        table.entries[part] = .table(created)
        table = created
      case .table(let existing):
        table = existing
      case .tableArray(let elements):
        table = elements[elements.count - 1]
      case .value:
        return .failure(
          HeaderProblem("`\(Self.name(key.prefix(depth + 1)))` already has a value; it cannot also be a table"))
      }
    }
    let last = key[key.count - 1]
    let name = Self.name(key)
    switch (table.entries[last], array) {
    case (nil, false):
      let created = TOMLTableBuilder(origin: .header)
      table.entries[last] = .table(created)
      return .success(created)
    case (nil, true):
      let created = TOMLTableBuilder(origin: .header)
      table.entries[last] = .tableArray([created])
      return .success(created)
    case (.table(let existing), false) where existing.origin == .implicit:
      existing.origin = .header
      return .success(existing)
    case (.table(let existing), false):
      return .failure(
        HeaderProblem(
          existing.origin == .header
            ? "table [\(name)] is defined twice" : "table [\(name)] is already defined by dotted keys"))
    case (.tableArray(var elements), true):
      let created = TOMLTableBuilder(origin: .header)
      elements.append(created)
      table.entries[last] = .tableArray(elements)
      return .success(created)
    case (.tableArray, false):
      return .failure(HeaderProblem("[\(name)] is an array of tables ([[\(name)]]); it cannot also be a table"))
    case (.table, true):
      return .failure(HeaderProblem("[[\(name)]] is already a table; it cannot also be an array of tables"))
    case (.value, _):
      return .failure(HeaderProblem("`\(name)` already has a value; it cannot also be a table"))
    }
  }

  struct HeaderProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
  }

  /// A dotted key as written in messages.
  static func name(_ key: some Collection<String>) -> String {
    key.map { part in
      part.utf8.allSatisfy(TOMLScanner.isBareKeyByte) && !part.isEmpty ? part : "\"\(part)\""
    }.joined(separator: ".")
  }
}
