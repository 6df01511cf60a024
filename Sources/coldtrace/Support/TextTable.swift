/// Aligned columns for the terminal: `coldtrace alerts`, `status`, `products`.
struct TextTable {
  var headers: [String]
  var rows: [[String]] = []

  init(_ headers: String...) { self.headers = headers }

  mutating func add(_ cells: String...) { rows.append(cells) }

  func render() -> String {
    // Each cell's width (in characters) is counted once: counting is the costly part of long tables.
    let counted = ([headers] + rows).map { cells in cells.map { ($0, $0.count) } }
    let widths = headers.indices.map { column in
      counted.map { $0.indices.contains(column) ? $0[column].1 : 0 }.max() ?? 0
    }
    var text = ""
    for (number, cells) in counted.enumerated() {
      if number > 0 { text.append("\n") }
      for (index, (cell, count)) in cells.enumerated() {
        if index > 0 { text.append("  ") }
        text.append(cell)
        if index < cells.count - 1 { text.append(String(repeating: " ", count: widths[index] - count)) }
      }
    }
    return text
  }
}

/// A number as operators read it: one decimal, no trailing noise.
func formatted(_ value: Double?, decimals: Int = 1) -> String {
  guard let value else { return "-" }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let rounded = (value * scale).rounded() / scale
  let text = String(rounded)
  return text.hasSuffix(".0") && decimals == 0 ? String(text.dropLast(2)) : text
}
