/// Writing JSON text by hand, for payloads and JSON lines: string escaping and number formatting.
public enum JSONText {
  /// `s` as a JSON string literal: quotes, `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`.
  public static func quoted(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count + 2)
    appendQuoted(s, to: &out)
    return out
  }

  /// Appends `quoted(s)` to `out` without an intermediate string.
  public static func appendQuoted(_ s: String, to out: inout String) {
    out.append("\"")
    if s.utf8.contains(where: needsEscape) {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(s.utf8.count + 8)
      for byte in s.utf8 {
        guard needsEscape(byte) else {
          bytes.append(byte)
          continue
        }
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
          bytes.append(contentsOf: "u00".utf8)
          bytes.append(hexDigit(byte >> 4))
          bytes.append(hexDigit(byte & 0x0F))
        }
      }
      out.append(String(decoding: bytes, as: UTF8.self))
    } else {
      out.append(s)
    }
    out.append("\"")
  }

  /// Appends `quoted(s)` as UTF-8 bytes (for lines built as bytes and made a string once).
  static func appendQuoted(_ s: String, to out: inout [UInt8]) {
    if s.utf8.contains(where: needsEscape) {
      out.append(contentsOf: quoted(s).utf8)
    } else {
      out.append(UInt8(ascii: "\""))
      out.append(contentsOf: s.utf8)
      out.append(UInt8(ascii: "\""))
    }
  }

  /// `d` as a JSON number: the shortest text that reads back as the same `Double`, positional for magnitudes
  /// from 1e-6 up to (not including) 1e21 (`3.42`, `1842`, `0.000015`), exponent form beyond (`1e+21`, `5e-324`), as
  /// JavaScript prints numbers. JSON has no NaN or infinity, so a non-finite value is written as `null`.
  public static func number(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == 0 { return d.sign == .minus ? "-0" : "0" }
    let text = d.description
    if !text.utf8.contains(UInt8(ascii: "e")) {
      // Positional already (`3.42`, `0.0001`); only integral values carry a `.0` to drop.
      return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
    var utf8 = text.utf8[...]
    let sign = utf8.first == UInt8(ascii: "-") ? "-" : ""
    if !sign.isEmpty { utf8 = utf8.dropFirst() }
    // Swift prints `ddd.ddd` or `d.ddde±xx` with the shortest round-tripping digits.
    var digits: [UInt8] = []
    var pointPosition: Int? = nil
    var exponent = 0
    var exponentSign = 1
    var inExponent = false
    for byte in utf8 {
      switch byte {
      case UInt8(ascii: "."): pointPosition = digits.count
      case UInt8(ascii: "e"): inExponent = true
      case UInt8(ascii: "-") where inExponent: exponentSign = -1
      case UInt8(ascii: "+"): break
      default:
        if inExponent {
          exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
        } else {
          digits.append(byte)
        }
      }
    }
    // Value = 0.DIGITS × 10^point.
    var point = (pointPosition ?? digits.count) + exponentSign * exponent
    while digits.first == UInt8(ascii: "0") {
      digits.removeFirst()
      point -= 1
    }
    while digits.last == UInt8(ascii: "0") { digits.removeLast() }
    return sign + layout(digits, point: point)
  }

  private static func layout(_ digits: [UInt8], point: Int) -> String {
    let count = digits.count
    let zero = UInt8(ascii: "0")
    var out: [UInt8] = []
    out.reserveCapacity(count + 8)
    if point >= count && point <= 21 {
      out += digits
      out += repeatElement(zero, count: point - count)
    } else if point > 0 && point <= 21 {
      out += digits[..<point]
      out.append(UInt8(ascii: "."))
      out += digits[point...]
    } else if point > -6 && point <= 0 {
      out += [zero, UInt8(ascii: ".")]
      out += repeatElement(zero, count: -point)
      out += digits
    } else {
      out.append(digits[0])
      if count > 1 {
        out.append(UInt8(ascii: "."))
        out += digits[1...]
      }
      out += (point - 1 < 0 ? "e-" : "e+").utf8
      out += String((point - 1).magnitude).utf8
    }
    return String(decoding: out, as: UTF8.self)
  }

  @inline(__always)
  private static func needsEscape(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
  }

  private static func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
  }
}
