extension SiteTimeZone {
  /// `text` with every UTC time written as `Timestamp.rfc3339` does (`2026-06-12T03:40:00.000Z`) written again at
  /// this zone's offset then (`2026-06-12T10:40:00.000+07:00`): alert messages for people, made by rules that know no
  /// zone. Still RFC 3339, still exact; `text` unchanged in UTC or without such a time.
  public func localizingTimes(in text: String) -> String {
    guard identifier != "UTC", text.utf8.contains(UInt8(ascii: "Z")) else { return text }
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 32)
    var index = 0
    while index < bytes.count {
      let end = index + 24
      if end <= bytes.count, bytes[end - 1] == UInt8(ascii: "Z"), Self.isUTCStamp(bytes[index..<end]),
        let time = Timestamp.parseRFC3339(String(decoding: bytes[index..<end], as: UTF8.self))
      {
        out += rfc3339(time).utf8
        index = end
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `YYYY-MM-DDTHH:MM:SS.sssZ`, digits where digits go.
  private static func isUTCStamp(_ bytes: ArraySlice<UInt8>) -> Bool {
    let shape = Array("0000-00-00T00:00:00.000Z".utf8)
    for (byte, expected) in zip(bytes, shape) {
      if expected == UInt8(ascii: "0") {
        guard (48...57).contains(byte) else { return false }
      } else if byte != expected {
        return false
      }
    }
    return true
  }
}
