import Testing

@testable import ColdTraceCore

@Suite("JSON object writer")
struct JSONObjectWriterTests {
  @Test("writes members in order, escaped, with null for absent values")
  func members() {
    let line = JSONObjectWriter.object { json in
      json.string("name", "a \"b\"\n")
      json.string("market", nil)
      json.number("temp_c", 3.42)
      json.number("peak", nil)
      json.number("nan", .nan)
      json.integer("seq", Int64(1842))
      json.integer("none", Int?.none)
      json.bool("stale", false)
      json.strings("lots", ["L-1", "L\\2"])
      json.strings("empty", [])
      json.raw("pre", "[1,2]")
    }
    #expect(
      line
        == #"{"name":"a \"b\"\n","market":null,"temp_c":3.42,"peak":null,"nan":null,"seq":1842,"none":null,"#
        + #""stale":false,"lots":["L-1","L\\2"],"empty":[],"pre":[1,2]}"#)
    #expect(JSONObjectWriter.object { _ in } == "{}")
  }

  @Test("rounds to a number of decimals as the outputs always have")
  func decimals() {
    let line = JSONObjectWriter.object { json in
      json.number("a", 2.345_678_9, decimals: 4)
      json.number("b", 0.125, decimals: 2)
      json.number("c", 41.5, decimals: 0)
      json.number("d", 7.25, decimals: 1)
      json.number("e", .infinity, decimals: 4)
    }
    #expect(line == #"{"a":2.3457,"b":0.13,"c":42,"d":7.3,"e":null}"#)
  }

  @Test("nests objects and arrays of objects in one buffer")
  func nesting() {
    let line = JSONObjectWriter.object { json in
      json.object("outbox") { json in
        json.integer("pending", 0)
        json.integer("dropped", 2)
      }
      json.object("treatment", Int?.none) { json, days in json.integer("days", days) }
      json.object("budget", 3) { json, minutes in json.integer("minutes", minutes) }
      json.objects("rooms", ["a", "b"]) { json, room in json.string("room", room) }
      json.objects("none", [String]()) { json, room in json.string("room", room) }
    }
    #expect(
      line
        == #"{"outbox":{"pending":0,"dropped":2},"treatment":null,"budget":{"minutes":3},"#
        + #""rooms":[{"room":"a"},{"room":"b"}],"none":[]}"#)
  }

  @Test("appends to a buffer, and puts members before those of an object already written")
  func appending() {
    var bytes = Array("[".utf8)
    JSONObjectWriter.write(to: &bytes) { $0.integer("id", 1) }
    bytes.append(UInt8(ascii: ","))
    JSONObjectWriter.write(to: &bytes) { json in
      json.string("prev", "00")
      json.members(of: #"{"event":"x","id":2}"#)
      json.members(of: "{}")
    }
    #expect(String(decoding: bytes, as: UTF8.self) == #"[{"id":1},{"prev":"00","event":"x","id":2}"#)
  }
}
