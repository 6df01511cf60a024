/// The text of a DS18B20's `w1_slave` file, as the Linux `w1_therm` driver writes it: the 9-byte scratchpad with its
/// Dallas/Maxim CRC-8 and `YES`/`NO`, then the scratchpad again with `t=<milli °C>`.
public enum W1SlaveFormat {
  /// The file for a reading of `tempC` (rounded to the sensor's 1/16 °C); with `crcValid` false the last byte is
  /// wrong and the first line ends `NO`, as after a glitch on a long cable.
  public static func text(tempC: Double, crcValid: Bool = true) -> String {
    let raw = Int16(clamping: Int((tempC * 16).rounded()))
    let bits = UInt16(bitPattern: raw)
    var bytes: [UInt8] = [UInt8(bits & 0xFF), UInt8(bits >> 8), 0x4B, 0x46, 0x7F, 0xFF, 0x0C, 0x10]
    let crc = crc8(bytes)
    bytes.append(crcValid ? crc : crc ^ 0x5A)
    let hex = bytes.map { byte in
      let digits = String(byte, radix: 16)
      return digits.count == 1 ? "0" + digits : digits
    }.joined(separator: " ")
    let milli = Int(raw) * 1000 / 16
    let verdict = crcValid ? "YES" : "NO"
    return "\(hex) : crc=\(hex.suffix(2)) \(verdict)\n\(hex) t=\(milli)\n"
  }

  /// Dallas/Maxim CRC-8 (polynomial x⁸ + x⁵ + x⁴ + 1, reflected 0x8C); over all 9 scratchpad bytes it is 0.
  public static func crc8(_ bytes: [UInt8]) -> UInt8 {
    var crc: UInt8 = 0
    for byte in bytes {
      var value = byte
      for _ in 0..<8 {
        let mix = (crc ^ value) & 1
        crc >>= 1
        if mix != 0 { crc ^= 0x8C }
        value >>= 1
      }
    }
    return crc
  }
}
