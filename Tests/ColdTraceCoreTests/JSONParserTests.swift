import Testing

@testable import ColdTraceCore

@Suite("JSON parser")
struct JSONParserTests {
  private func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONParser.parse(text) }

  private func failure(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> JSONParseError? {
    do {
      _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
      return nil
    } catch {
      return error
    }
  }

  private func failure(_ text: String) -> JSONParseError? { failure(Array(text.utf8)) }

  @Test("parses every kind of value")
  func values() throws {
    #expect(try parse("null") == .null)
    #expect(try parse(" true ") == .bool(true))
    #expect(try parse("\tfalse\r\n") == .bool(false))
    #expect(try parse("\"\"") == .string(""))
    #expect(try parse("[]") == .array([]))
    #expect(try parse("{}") == .object([:]))
    #expect(
      try parse(#"{"a":[1,"x",null,{"b":false}],"c":{}}"#)
        == .object([
          "a": .array([.number(1), .string("x"), .null, .object(["b": .bool(false)])]),
          "c": .object([:]),
        ]))
  }

  @Test("keeps object members in document order")
  func memberOrder() throws {
    guard case .object(let object) = try parse(#"{"z":1, "a":2 ,"m" : 3}"#) else {
      Issue.record("not an object")
      return
    }
    #expect(object.members.map(\.key) == ["z", "a", "m"])
    #expect(object["a"] == .number(2))
    #expect(object["missing"] == nil)
  }

  @Test(
    "reads numbers exactly as Double(String) does",
    arguments: [
      ("0", 0.0), ("-0", -0.0), ("3.42", 3.42), ("91.8", 91.8), ("-80", -80), ("85.01", 85.01), ("1e2", 100),
      ("1E-2", 0.01), ("-12.5e+3", -12_500), ("0.1", 0.1), ("1842", 1842), ("1795923600.123", 1_795_923_600.123),
      ("9007199254740993", 9_007_199_254_740_992), ("123456789012345678901234567890", 1.2345678901234568e29),
      ("2.2250738585072014e-308", 2.2250738585072014e-308), ("1e-400", 0),
      ("1.7976931348623157e308", .greatestFiniteMagnitude),
      ("0.000000000000000000000000000001", 1e-30), ("100000000000000000000000e-23", 1),
    ])
  func numbers(_ text: String, _ expected: Double) throws {
    let value = try parse(text)
    #expect(value == .number(expected))
    if case .number(let number) = value { #expect(number.sign == expected.sign) }
  }

  @Test("agrees with the standard library on many generated decimals")
  func numbersAgreeWithStandardLibrary() throws {
    var generator = SplitMix64(seed: 0x5EED)
    for _ in 0..<20_000 {
      let integerDigits = Int(generator.next() % 18) + 1
      var text = generator.next() % 2 == 0 ? "-" : ""
      text += String(generator.next() % 9 + 1)
      for _ in 1..<integerDigits { text += String(generator.next() % 10) }
      if generator.next() % 2 == 0 {
        text += "."
        for _ in 0..<Int(generator.next() % 17 + 1) { text += String(generator.next() % 10) }
      }
      if generator.next() % 3 == 0 { text += "e" + String(Int(generator.next() % 60) - 30) }
      #expect(try parse(text) == .number(Double(text)!), "\(text)")
    }
  }

  @Test("decodes escapes, surrogate pairs and raw UTF-8")
  func strings() throws {
    #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
    #expect(try parse(#""\u0041\u00e9\u1EA5\uFFFF""#) == .string("Aéấ\u{FFFF}"))
    #expect(try parse(#""\uD83D\uDE00 ok""#) == .string("😀 ok"))
    #expect(try parse(#""\u0000""#) == .string("\u{0}"))
    #expect(try parse("\"Kho lạnh số 2 ❄️ 😀\"") == .string("Kho lạnh số 2 ❄️ 😀"))
    #expect(
      try parse("\"long prefix before an escape: \\n and after\"")
        == .string("long prefix before an escape: \n and after"))
  }

  @Test(
    "refuses malformed documents at the right offset",
    arguments: [
      ("", 0), ("   ", 3), ("{", 1), ("[1,]", 3), (#"{"a":1,}"#, 7), ("01", 0), ("-01", 0), ("1.", 2), (".5", 0),
      ("+1", 0), ("1e", 2), ("1e+", 3), ("-", 1), ("-a", 1), ("tru", 0), ("nul", 0), ("True", 0), ("'a'", 0),
      ("{a:1}", 1), ("[1 2]", 3), (#""abc"#, 0), ("1 2", 2), ("{}x", 2), ("\"a\tb\"", 2), ("\"a\u{1F}\"", 2),
      (#""\x""#, 1), (#""\u12""#, 1), (#""\u12G4""#, 1), ("\u{FEFF}{}", 0), ("// c\n{}", 0), ("[1,,2]", 3),
      (#"{"a" 1}"#, 5), (#"{"a":1 "b":2}"#, 7), ("nan", 0), ("inf", 0), ("[", 1), (#"{"a":"#, 5),
    ])
  func malformed(_ text: String, _ offset: Int) {
    let error = failure(text)
    #expect(error?.kind == .malformed, "\(text.debugDescription): \(String(describing: error))")
    #expect(error?.offset == offset, "\(text.debugDescription): \(String(describing: error))")
  }

  @Test("explains malformed input in words")
  func malformedMessages() {
    #expect(failure("01")?.description == "numbers must not have leading zeros (at byte 0)")
    #expect(failure("[1 2]")?.description == "unexpected character '2'; expected ',' or ']' (at byte 3)")
    #expect(failure("{}x")?.description == "unexpected character 'x' after the JSON value (at byte 2)")
    #expect(failure("\"a\tb\"")?.description == "control character 0x09 in a string must be escaped (at byte 2)")
    #expect(failure("")?.message == "empty input; expected a JSON value")
  }

  @Test(
    "refuses bytes that are not UTF-8 and lone surrogates",
    arguments: [
      [0x22, 0xC3, 0x28, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
      [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82], [0x22, 0x80, 0x22], [0x22, 0xFF, 0x22],
      [0x22, 0xE0, 0x80, 0x80, 0x22], [0x22, 0xF0, 0x80, 0x80, 0x80, 0x22], [0x7B, 0xFF, 0x7D],
      Array(#""\uD800""#.utf8), Array(#""\uDC00""#.utf8), Array(#""\uD800\u0041""#.utf8), Array(#""\uD800x""#.utf8),
    ] as [[UInt8]])
  func invalidUTF8(_ bytes: [UInt8]) {
    #expect(failure(bytes)?.kind == .invalidUTF8, "\(bytes)")
  }

  @Test("reports where the bad UTF-8 starts")
  func invalidUTF8Offset() {
    let error = failure(Array(#"{"k":"ok"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
    #expect(error == JSONParseError(kind: .invalidUTF8, offset: 8, message: error?.message ?? ""))
    #expect(error?.message.contains("0xC3") == true)
  }

  @Test("limits nesting depth")
  func depth() throws {
    let deepest = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
    #expect(try parse(deepest) != .null)
    let tooDeep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
    #expect(failure(tooDeep)?.kind == .tooDeep)
    #expect(failure(tooDeep)?.offset == 32)
    let objects = String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)
    #expect(failure(objects)?.kind == .tooDeep)
    #expect(failure(Array("[[1]]".utf8), maxDepth: 1)?.kind == .tooDeep)
    #expect(failure(Array("[1]".utf8), maxDepth: 1) == nil)
    #expect(failure(String(repeating: "[", count: 100_000))?.kind == .tooDeep)
  }

  @Test("refuses duplicate keys in small and large objects")
  func duplicateKeys() {
    #expect(
      failure(#"{"a":1,"a":2}"#) == JSONParseError(kind: .duplicateKey, offset: 7, message: #"duplicate key "a""#))
    let members = (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
    #expect(failure("{\(members)}") == nil)
    #expect(failure("{\(members),\"k3\":0}")?.kind == .duplicateKey)
    #expect(failure(#"{"a":{"a":1}}"#) == nil)
    #expect(failure(#"{"\u0061":1,"a":2}"#)?.kind == .duplicateKey)
  }

  @Test(
    "calls numbers beyond Double and NaN/Infinity non-finite",
    arguments: [("1e400", 0), ("-1e400", 0), ("[NaN]", 1), ("Infinity", 0), ("-Infinity", 0), (#"{"t":1e999}"#, 5)])
  func nonFinite(_ text: String, _ offset: Int) {
    let error = failure(text)
    #expect(error?.kind == .nonFinite)
    #expect(error?.offset == offset)
  }

  @Test("parses a slice of a larger buffer without reading past it")
  func bufferSlice() throws {
    let bytes = Array("xx[1,2]yy".utf8)
    let value = try bytes.withUnsafeBytes { buffer in
      try JSONParser.parse(UnsafeRawBufferPointer(rebasing: buffer[2..<7]))
    }
    #expect(value == .array([.number(1), .number(2)]))
  }
}

/// A tiny deterministic generator so the property test is reproducible.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
