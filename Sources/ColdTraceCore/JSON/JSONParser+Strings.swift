/// Strings: UTF-8 validation, escapes, surrogate pairs.
extension JSONParser {
  /// Parses a string starting at the opening quote; leaves `index` after the closing quote.
  mutating func parseString() throws(JSONParseError) -> String {
    let start = index + 1
    var cursor = start
    while cursor < bytes.count {
      let byte = bytes[cursor]
      if byte == UInt8(ascii: "\"") {
        index = cursor + 1
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<cursor]), as: UTF8.self)
      }
      if byte == UInt8(ascii: "\\") {
        return try parseEscapedString(start: start, firstEscape: cursor)
      }
      cursor = try advanceOverCharacter(at: cursor)
    }
    throw error(.malformed, "unterminated string", at: index)
  }

  /// The slow path: copies into `scratch`, decoding escapes.
  private mutating func parseEscapedString(start: Int, firstEscape: Int) throws(JSONParseError) -> String {
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<firstEscape]))
    var cursor = firstEscape
    while cursor < bytes.count {
      let byte = bytes[cursor]
      if byte == UInt8(ascii: "\"") {
        index = cursor + 1
        return String(decoding: scratch, as: UTF8.self)
      }
      if byte == UInt8(ascii: "\\") {
        cursor = try decodeEscape(at: cursor)
        continue
      }
      let next = try advanceOverCharacter(at: cursor)
      scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[cursor..<next]))
      cursor = next
    }
    throw error(.malformed, "unterminated string", at: start - 1)
  }

  /// Steps over one unescaped character inside a string, refusing control characters and invalid UTF-8.
  @inline(__always)
  private func advanceOverCharacter(at offset: Int) throws(JSONParseError) -> Int {
    let byte = bytes[offset]
    if byte >= 0x20 && byte < 0x80 { return offset + 1 }
    if byte < 0x20 {
      throw error(.malformed, "control character 0x\(hex(byte)) in a string must be escaped", at: offset)
    }
    return try validateUTF8Sequence(at: offset)
  }

  /// Decodes the escape at `offset` (a backslash) into `scratch`; returns the offset after it.
  private mutating func decodeEscape(at offset: Int) throws(JSONParseError) -> Int {
    guard offset + 1 < bytes.count else { throw error(.malformed, "unterminated string", at: offset) }
    let simple: UInt8
    switch bytes[offset + 1] {
    case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
    case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
    case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
    case UInt8(ascii: "b"): simple = 0x08
    case UInt8(ascii: "f"): simple = 0x0C
    case UInt8(ascii: "n"): simple = 0x0A
    case UInt8(ascii: "r"): simple = 0x0D
    case UInt8(ascii: "t"): simple = 0x09
    case UInt8(ascii: "u"): return try decodeUnicodeEscape(at: offset)
    default:
      throw error(.malformed, "invalid escape \(describeByte(at: offset + 1)) after '\\' in a string", at: offset)
    }
    scratch.append(simple)
    return offset + 2
  }

  /// `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair; a lone surrogate is refused.
  private mutating func decodeUnicodeEscape(at offset: Int) throws(JSONParseError) -> Int {
    let unit = try hexQuad(at: offset + 2)
    var end = offset + 6
    var value = UInt32(unit)
    if (0xDC00...0xDFFF).contains(unit) {
      throw loneSurrogate(unit, at: offset)
    }
    if (0xD800...0xDBFF).contains(unit) {
      guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "\\"), bytes[end + 1] == UInt8(ascii: "u") else {
        throw loneSurrogate(unit, at: offset)
      }
      let low = try hexQuad(at: end + 2)
      guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(unit, at: offset) }
      value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
      end += 6
    }
    appendUTF8(value)
    return end
  }

  /// Appends a scalar value (never a surrogate here) as UTF-8.
  private mutating func appendUTF8(_ value: UInt32) {
    switch value {
    case ..<0x80:
      scratch.append(UInt8(value))
    case ..<0x800:
      scratch.append(UInt8(0xC0 | value >> 6))
      scratch.append(UInt8(0x80 | value & 0x3F))
    case ..<0x10000:
      scratch.append(UInt8(0xE0 | value >> 12))
      scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | value & 0x3F))
    default:
      scratch.append(UInt8(0xF0 | value >> 18))
      scratch.append(UInt8(0x80 | value >> 12 & 0x3F))
      scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | value & 0x3F))
    }
  }

  private func loneSurrogate(_ unit: UInt16, at offset: Int) -> JSONParseError {
    let digits = String(unit, radix: 16, uppercase: true)
    return error(.invalidUTF8, "\\u\(digits) is a lone UTF-16 surrogate, not a Unicode character", at: offset)
  }

  private func hexQuad(at offset: Int) throws(JSONParseError) -> UInt16 {
    guard offset + 4 <= bytes.count else {
      throw error(.malformed, "a \\u escape needs four hex digits", at: offset - 2)
    }
    var value: UInt16 = 0
    for position in offset..<offset + 4 {
      let byte = bytes[position]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error(.malformed, "a \\u escape needs four hex digits", at: offset - 2)
      }
      value = value << 4 | UInt16(digit)
    }
    return value
  }

  /// Validates the UTF-8 sequence starting at `offset` (a byte ≥ 0x80) per Unicode Table 3-7: no overlong forms,
  /// no surrogates, nothing above U+10FFFF. Returns the offset after the sequence.
  func validateUTF8Sequence(at offset: Int) throws(JSONParseError) -> Int {
    let lead = bytes[offset]
    let length: Int
    var secondRange: ClosedRange<UInt8> = 0x80...0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      secondRange = 0xA0...0xBF
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      secondRange = 0x80...0x9F
    case 0xF0:
      length = 4
      secondRange = 0x90...0xBF
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      secondRange = 0x80...0x8F
    default:
      throw error(.invalidUTF8, "invalid UTF-8: byte 0x\(hex(lead)) cannot start a character", at: offset)
    }
    guard offset + length <= bytes.count, secondRange.contains(bytes[offset + 1]) else {
      throw error(.invalidUTF8, "invalid UTF-8: truncated or malformed sequence at byte 0x\(hex(lead))", at: offset)
    }
    for position in offset + 2..<offset + length where bytes[position] & 0xC0 != 0x80 {
      throw error(.invalidUTF8, "invalid UTF-8: truncated or malformed sequence at byte 0x\(hex(lead))", at: offset)
    }
    return offset + length
  }
}
