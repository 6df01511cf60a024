/// Numbers: the RFC 8259 grammar, an exact fast path, and refusal of anything non-finite.
extension JSONParser {
  /// Parses `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` at `index`.
  ///
  /// When the significant digits fit in 2^53 and the decimal exponent is within ±22, `m × 10^e` and `m / 10^e` are
  /// single correctly rounded operations on exact operands (Clinger's fast path), so the result equals a full
  /// conversion. Everything else goes through the standard library's correctly rounded `Double(String)`.
  mutating func parseNumber() throws(JSONParseError) -> Double {
    let start = index
    var cursor = index
    var negative = false
    if bytes[cursor] == UInt8(ascii: "-") {
      negative = true
      cursor += 1
    }
    try refuseNonFiniteLiteral(at: cursor, start: start)
    guard cursor < bytes.count, isDigit(bytes[cursor]) else {
      index = cursor
      throw try unexpectedByte(expected: negative ? "a digit after '-'" : "a value")
    }

    var mantissa: UInt64 = 0
    var exponent = 0
    var exact = true
    if bytes[cursor] == UInt8(ascii: "0") {
      cursor += 1
      if cursor < bytes.count && isDigit(bytes[cursor]) {
        throw error(.malformed, "numbers must not have leading zeros", at: start)
      }
    } else {
      while cursor < bytes.count && isDigit(bytes[cursor]) {
        accumulate(bytes[cursor], into: &mantissa, exact: &exact)
        cursor += 1
      }
    }
    if cursor < bytes.count && bytes[cursor] == UInt8(ascii: ".") {
      cursor += 1
      guard cursor < bytes.count, isDigit(bytes[cursor]) else {
        throw error(.malformed, "a number needs a digit after '.'", at: cursor)
      }
      while cursor < bytes.count && isDigit(bytes[cursor]) {
        accumulate(bytes[cursor], into: &mantissa, exact: &exact)
        exponent -= 1
        cursor += 1
      }
    }
    if cursor < bytes.count && (bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E")) {
      cursor += 1
      var exponentSign = 1
      if cursor < bytes.count && (bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-")) {
        exponentSign = bytes[cursor] == UInt8(ascii: "-") ? -1 : 1
        cursor += 1
      }
      guard cursor < bytes.count, isDigit(bytes[cursor]) else {
        throw error(.malformed, "a number needs a digit in its exponent", at: cursor)
      }
      var written = 0
      while cursor < bytes.count && isDigit(bytes[cursor]) {
        if written < 100_000 { written = written * 10 + Int(bytes[cursor] - UInt8(ascii: "0")) }
        cursor += 1
      }
      exponent += exponentSign * written
    }
    index = cursor

    if exact, mantissa <= 1 << 53, (-22...22).contains(exponent) {
      let magnitude =
        exponent < 0 ? Double(mantissa) / Self.powersOfTen[-exponent] : Double(mantissa) * Self.powersOfTen[exponent]
      return negative ? -magnitude : magnitude
    }
    let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<cursor]), as: UTF8.self)
    guard let value = Double(text), value.isFinite else {
      throw error(.nonFinite, "number \(text) is too large for a 64-bit float", at: start)
    }
    return value
  }

  /// `NaN`, `Infinity` and `-Infinity` are not JSON, but some encoders write them; say so precisely.
  private func refuseNonFiniteLiteral(at cursor: Int, start: Int) throws(JSONParseError) {
    // Checked only where one could start, so a plain number costs no string comparison.
    guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "N") || bytes[cursor] == UInt8(ascii: "I") else {
      return
    }
    for literal: StaticString in ["NaN", "Infinity"] where startsWith(literal, at: cursor) {
      let shown = (cursor > start ? "-" : "") + literal.description
      throw error(.nonFinite, "\(shown) is not a JSON number; leave the field out or send null", at: start)
    }
  }

  /// Whether the bytes at `offset` are `literal`'s (a `StaticString`: its bytes are read in place, which matters for
  /// the reading keys the fast path matches per message).
  @inline(__always)
  func startsWith(_ literal: StaticString, at offset: Int) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard offset + count <= bytes.count else { return false }
    let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
    for position in 0..<count where bytes[offset + position] != expected[position] { return false }
    return true
  }

  @inline(__always)
  private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

  /// Adds one digit to the significand while it stays below 10^18; beyond that the fast path is off.
  @inline(__always)
  private func accumulate(_ digit: UInt8, into mantissa: inout UInt64, exact: inout Bool) {
    if mantissa < 100_000_000_000_000_000 {
      mantissa = mantissa * 10 + UInt64(digit - UInt8(ascii: "0"))
    } else {
      exact = false
    }
  }

  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]
}
