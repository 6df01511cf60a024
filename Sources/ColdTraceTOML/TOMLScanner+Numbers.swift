/// TOML integers (decimal, `0x`, `0o`, `0b`, with `_` between digits) and floats (`1.5`, `-2e3`, `inf`, `nan`). A date
/// or time is refused with a hint: ColdTrace's files write times as strings.
extension TOMLScanner {
  mutating func readNumber() throws(TOMLSyntaxError) -> TOMLValue {
    let start = index
    while let byte = peek(), Self.isNumberByte(byte) { index += 1 }
    // A local date-time may have a space between date and time: `1979-05-27 07:32:00`.
    if peek() == .space, let next = peek(1), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next),
      Self.looksLikeDate(bytes[start..<index])
    {
      index += 1
      while let byte = peek(), Self.isNumberByte(byte) { index += 1 }
    }
    let token = bytes[start..<index]
    if Self.looksLikeDate(token) || token.contains(UInt8(ascii: ":")) {
      throw error(
        "dates and times are not supported here; write the time as a string, like \"2026-06-01T00:00:00Z\"", at: start)
    }
    guard let value = Self.number(String(decoding: token, as: UTF8.self)) else {
      throw error("'\(String(decoding: token, as: UTF8.self))' is not a TOML number", at: start)
    }
    if case .float(let double) = value, !double.isFinite,
      !token.contains(where: { $0 == UInt8(ascii: "i") || $0 == UInt8(ascii: "n") })
    {
      throw error("'\(String(decoding: token, as: UTF8.self))' is out of range for a 64-bit float", at: start)
    }
    return value
  }

  /// The value of a number token, or `nil` if it is not one (or an integer out of the 64-bit range).
  static func number(_ token: String) -> TOMLValue? {
    var body = Substring(token)
    var sign = ""
    if let first = body.first, first == "+" || first == "-" {
      sign = first == "-" ? "-" : ""
      body = body.dropFirst()
    }
    switch body {
    case "inf": return .float(sign == "-" ? -.infinity : .infinity)
    case "nan": return .float(.nan)
    default: break
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
      let digits = body.dropFirst(2)
      guard token.first != "+", token.first != "-", underscoresSeparateDigits(digits, radix: radix),
        let value = Int(digits.filter { $0 != "_" }, radix: radix)
      else { return nil }
      return .integer(value)
    }
    let isFloat = body.contains { $0 == "." || $0 == "e" || $0 == "E" }
    guard isFloat else {
      guard underscoresSeparateDigits(body, radix: 10), noLeadingZero(body),
        let value = Int(sign + body.filter { $0 != "_" })
      else { return nil }
      return .integer(value)
    }
    // integer part, optional fraction, optional exponent; at least one of the last two
    let exponentStart = body.firstIndex { $0 == "e" || $0 == "E" }
    let mantissa = body[..<(exponentStart ?? body.endIndex)]
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, underscoresSeparateDigits(parts[0], radix: 10), noLeadingZero(parts[0]) else { return nil }
    if parts.count == 2 { guard underscoresSeparateDigits(parts[1], radix: 10) else { return nil } }
    if let exponentStart {
      var exponent = body[body.index(after: exponentStart)...]
      if let first = exponent.first, first == "+" || first == "-" { exponent = exponent.dropFirst() }
      guard underscoresSeparateDigits(exponent, radix: 10) else { return nil }
    }
    guard let value = Double(sign + body.filter { $0 != "_" }) else { return nil }
    return .float(value)
  }

  /// One or more digits, each `_` between two digits.
  private static func underscoresSeparateDigits(_ text: Substring, radix: Int) -> Bool {
    guard let first = text.first, let last = text.last, first != "_", last != "_" else { return false }
    var previousWasUnderscore = false
    for character in text {
      if character == "_" {
        if previousWasUnderscore { return false }
        previousWasUnderscore = true
        continue
      }
      guard character.isASCII, character.hexDigitValue.map({ $0 < radix }) == true else { return false }
      previousWasUnderscore = false
    }
    return true
  }

  /// A decimal integer part has no leading zero (`0` itself is fine).
  private static func noLeadingZero(_ digits: Substring) -> Bool { !(digits.count > 1 && digits.first == "0") }

  private static func isNumberByte(_ byte: UInt8) -> Bool {
    isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
  }

  /// `1979-05-27…`: four digits and a dash.
  private static func looksLikeDate(_ token: ArraySlice<UInt8>) -> Bool {
    token.count >= 5 && token.prefix(4).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
      && token[token.startIndex + 4] == UInt8(ascii: "-")
  }
}
