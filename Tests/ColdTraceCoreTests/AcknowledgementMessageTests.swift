import Testing

@testable import ColdTraceCore

@Suite("Acknowledgement message")
struct AcknowledgementMessageTests {
  @Test("writes sensors sorted by name, byte for byte")
  func exactBytes() {
    let message = AcknowledgementMessage(watermarks: ["probe-b": 12, "probe-a": 3, "dock \"1\"": 0])
    #expect(message.encode() == #"{"sensors":{"dock \"1\"":0,"probe-a":3,"probe-b":12}}"#)
  }

  @Test("reads back what it writes")
  func roundTrip() {
    let message = AcknowledgementMessage(watermarks: ["probe-a": 1842, "probe-b": 8_000_000_000_000_000, "c": 0])
    #expect(AcknowledgementMessage.decode(Array(message.encode().utf8)) == message)
    let empty = AcknowledgementMessage(watermarks: [:])
    #expect(empty.encode() == #"{"sensors":{}}"#)
    #expect(AcknowledgementMessage.decode(Array(empty.encode().utf8)) == empty)
  }

  @Test("skips watermarks that are not sequence numbers, truncating fractions")
  func skipsBadWatermarks() {
    let payload = #"{"sensors":{"a":-1,"b":"7","c":9e15,"g":9007199254740991,"d":null,"e":4.7,"f":5}}"#
    #expect(AcknowledgementMessage.decode(Array(payload.utf8)) == AcknowledgementMessage(watermarks: ["e": 4, "f": 5]))
  }

  @Test("refuses payloads without a sensors object")
  func malformed() {
    for payload in ["", "not json", "[]", "{}", #"{"sensors":[]}"#, #"{"sensors":{"a":1}"#, #"{"sensors":3}"#] {
      #expect(AcknowledgementMessage.decode(Array(payload.utf8)) == nil, "\(payload)")
    }
  }
}
