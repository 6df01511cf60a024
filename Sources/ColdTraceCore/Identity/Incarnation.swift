/// One install of an agent: the identity its state directory was created with (docs/durability.md, "Incarnations").
///
/// A box whose state directory is lost (an SD card replaced, a fresh install with the same ids) numbers its samples
/// from 1 again. The incarnation tells the collector that these numbers start a new series rather than repeat old
/// ones. On the wire it is the reading's `inc`, the agent status's `incarnation` and the acknowledgement's `inc`: 1 to
/// 64 characters of `A-Z a-z 0-9 . _ -`. `coldtrace-agent` writes 15 lowercase hex digits of a random 60-bit number:
/// at most 15 bytes, a Swift string keeps them inline, so the collector allocates nothing for them per message.
public enum Incarnation {
  public static let maxLength = 64

  /// Whether `text` is an acceptable incarnation.
  public static func isValid(_ text: some StringProtocol) -> Bool {
    problem(text) == nil
  }

  /// Whether the raw bytes of a JSON string's content (no escapes) are an acceptable incarnation: the fast path's
  /// check, on the bytes in place.
  static func isValid(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    !bytes.isEmpty && bytes.count <= maxLength && bytes.allSatisfy(isAllowed)
  }

  /// What is wrong with `text` as an incarnation, in one phrase, or `nil` when it is acceptable.
  public static func problem(_ text: some StringProtocol) -> String? {
    let bytes = text.utf8
    if bytes.isEmpty { return "inc is empty" }
    if bytes.count > maxLength { return "inc is \(bytes.count) bytes long; the limit is \(maxLength)" }
    for byte in bytes where !isAllowed(byte) {
      return "inc \(Excerpt.quoted(text)) has a character outside A-Z a-z 0-9 . _ -"
    }
    return nil
  }

  /// 15 lowercase hex digits of `value`'s low 60 bits: how `coldtrace-agent` names a new install.
  public static func hex(_ value: UInt64) -> String {
    let digits = String(value & 0x0fff_ffff_ffff_ffff, radix: 16)
    return String(repeating: "0", count: 15 - digits.count) + digits
  }

  static func isAllowed(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
      return true
    default:
      return false
    }
  }
}
