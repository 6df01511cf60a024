#if canImport(Glibc)
  import Glibc
#endif

/// Aligned columns for the terminal: `coldtrace alerts`, `status`, `products`.
///
/// Cells are kept in one flat array and the widths grow as rows are added, so a table of thousands of alerts costs
/// one pass to fill and one to write out (`printToStandardOutput()`), without a copy of every row in between.
struct TextTable {
  var headers: [String]
  private var cells: [String] = []
  /// Where each row's cells start in `cells` (a row may have fewer cells than there are headers).
  private var rowStarts: [Int] = []
  /// Each column's width in characters, the last column's left out (it is never padded).
  private var widths: [Int]

  init(_ headers: String...) {
    self.headers = headers
    widths = Array(repeating: 0, count: headers.count)
    add(headers)
  }

  var isEmpty: Bool { rowStarts.count <= 1 }

  mutating func add(_ cells: String...) { add(cells) }

  mutating func add(_ row: [String]) {
    rowStarts.append(cells.count)
    for (index, cell) in row.enumerated() {
      cells.append(cell)
      if index < widths.count - 1 { widths[index] = max(widths[index], Self.width(cell)) }
    }
  }

  func render() -> String {
    var bytes: [UInt8] = []
    write(to: &bytes) { _ in }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Writes the table and a final newline to standard output, in 64 KiB pieces: `print(render())` without the whole
  /// table in memory twice.
  func printToStandardOutput() {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(1 << 16)
    write(to: &bytes) { bytes in
      if bytes.count >= 1 << 16 { StandardOutput.write(&bytes) }
    }
    bytes.append(UInt8(ascii: "\n"))
    StandardOutput.write(&bytes)
  }

  /// Appends the rows to `bytes`, calling `drain` after each row (to write out and empty the buffer if it likes).
  private func write(to bytes: inout [UInt8], drain: (inout [UInt8]) -> Void) {
    for (number, start) in rowStarts.enumerated() {
      let end = number + 1 < rowStarts.count ? rowStarts[number + 1] : cells.count
      if number > 0 { bytes.append(UInt8(ascii: "\n")) }
      for index in start..<end {
        let column = index - start
        if column > 0 { bytes.append(contentsOf: "  ".utf8) }
        bytes.append(contentsOf: cells[index].utf8)
        if index < end - 1 && column < widths.count {
          let padding = widths[column] - Self.width(cells[index])
          if padding > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding)) }
        }
      }
      drain(&bytes)
    }
  }

  /// A cell's width in characters: its byte count when it is ASCII (most cells), else its character count.
  private static func width(_ cell: String) -> Int {
    let utf8 = cell.utf8
    return utf8.allSatisfy { $0 < 0x80 } ? utf8.count : cell.count
  }
}

/// Standard output written as bytes: what `print` buffered so far first, so the two never interleave out of order.
enum StandardOutput {
  /// Writes `bytes` to file descriptor 1 and empties the buffer, keeping its capacity.
  static func write(_ bytes: inout [UInt8]) {
    fflush(nil)
    bytes.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        offset += written
      }
    }
    bytes.removeAll(keepingCapacity: true)
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
