/// Standard Base64 (RFC 4648 §4, with padding): how a signature is written in a report, so `base64 -d` reads it.
public enum Base64 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  public static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
      let chunk = bytes[index..<min(index + 3, bytes.count)]
      let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
      for position in 0..<4 {
        out.append(
          position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 63)] : UInt8(ascii: "="))
      }
      index += 3
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes of padded Base64 `text`, or `nil` when it is not exactly that.
  public static func decode(_ text: some StringProtocol) -> [UInt8]? {
    let characters = Array(text.utf8)
    guard characters.count % 4 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(characters.count / 4 * 3)
    for start in stride(from: 0, to: characters.count, by: 4) {
      var value: UInt32 = 0
      var padding = 0
      for (offset, character) in characters[start..<start + 4].enumerated() {
        if character == UInt8(ascii: "=") {
          guard start + 4 == characters.count, offset >= 2 else { return nil }
          padding += 1
          value <<= 6
          continue
        }
        guard padding == 0, let digit = alphabet.firstIndex(of: character) else { return nil }
        value = value << 6 | UInt32(digit)
      }
      let decoded = [UInt8(value >> 16 & 255), UInt8(value >> 8 & 255), UInt8(value & 255)]
      out += decoded.prefix(3 - padding)
    }
    return out
  }
}
