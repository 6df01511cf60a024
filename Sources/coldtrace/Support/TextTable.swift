/// Aligned columns for the terminal: `coldtrace alerts`, `status`, `products`.
struct TextTable {
  var headers: [String]
  var rows: [[String]] = []

  init(_ headers: String...) { self.headers = headers }

  mutating func add(_ cells: String...) { rows.append(cells) }

  func render() -> String {
    let widths = headers.indices.map { column in
      ([headers] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
      }.joined(separator: "  ")
    }
    return ([line(headers)] + rows.map(line)).joined(separator: "\n")
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
