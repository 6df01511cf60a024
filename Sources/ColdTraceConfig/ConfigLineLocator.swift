/// Finds the line that defines a key in a TOML file, so a semantic error (a bad value, an unknown key) can name it
/// as precisely as a syntax error: `agent.toml:14: ...`.
///
/// Tables are located by their headers: `[outbox]` for `outbox.`, the n-th `[[sensor]]` for `sensor[n].`; a key is a
/// line starting with the key (bare or quoted) followed by `=`.
struct ConfigLineLocator: Sendable {
  private let lines: [Substring]

  init(text: String) {
    lines = text.split(separator: "\n", omittingEmptySubsequences: false)
  }

  /// The 1-based line of `key` inside the table named by `prefix` (`""`, `"outbox."`, `"sensor[2]."`).
  func line(ofKey key: String, inTable prefix: String) -> Int? {
    guard let (start, end) = range(ofTable: prefix) else { return nil }
    for index in start..<end where defines(lines[index], key) { return index + 1 }
    return nil
  }

  /// Line indexes `[start, end)` of a table's body.
  private func range(ofTable prefix: String) -> (Int, Int)? {
    let headerIndexes = lines.indices.filter { lines[$0].drop { $0 == " " }.hasPrefix("[") }
    guard !prefix.isEmpty else { return (0, headerIndexes.first ?? lines.count) }
    let name = String(prefix.dropLast())  // "sensor[2]" or "outbox"
    var target: (header: String, occurrence: Int)
    if let open = name.firstIndex(of: "["), name.hasSuffix("]"),
      let number = Int(name[name.index(after: open)...].dropLast())
    {
      target = ("[[" + name[..<open] + "]]", number)
    } else {
      target = ("[" + name + "]", 1)
    }
    var seen = 0
    for (position, index) in headerIndexes.enumerated() {
      let header = lines[index].trimmingSpaces.split(separator: "#").first.map { $0.trimmingSpaces } ?? ""
      if header == target.header {
        seen += 1
        if seen == target.occurrence {
          let end = position + 1 < headerIndexes.count ? headerIndexes[position + 1] : lines.count
          return (index + 1, end)
        }
      }
    }
    return nil
  }

  private func defines(_ line: Substring, _ key: String) -> Bool {
    let trimmed = line.trimmingSpaces
    for candidate in [key, "\"\(key)\"", "'\(key)'"] where trimmed.hasPrefix(candidate) {
      if trimmed.dropFirst(candidate.count).trimmingSpaces.hasPrefix("=") { return true }
    }
    return false
  }
}

extension StringProtocol {
  fileprivate var trimmingSpaces: String {
    String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
  }
}
