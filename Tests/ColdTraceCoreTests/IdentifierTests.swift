import Testing

@testable import ColdTraceCore

@Suite("Identifier")
struct IdentifierTests {
  @Test(
    "accepts the protocol's examples and the edges of the rule",
    arguments: [
      "hongxuan", "cold2", "cold2-door", "LT-2026-0612", "hx-edge-1", "a", "Z9", "a.b_c-D9", "...", ".a", "a..", "_",
      String(repeating: "x", count: 64),
    ])
  func acceptsValid(_ text: String) throws {
    for kind in IdentifierKind.allCases {
      try Identifier.validate(text, as: kind)
      #expect(Identifier.isValid(text, as: kind))
    }
  }

  @Test(
    "refuses with the precise reason",
    arguments: [
      ("", InvalidIdentifier.Reason.empty),
      (String(repeating: "x", count: 65), .tooLong(65)),
      ("a/b", .disallowedCharacter("/")),
      ("cold 2", .disallowedCharacter(" ")),
      ("+", .disallowedCharacter("+")),
      ("#", .disallowedCharacter("#")),
      ("phòng-lạnh", .disallowedCharacter("ò")),
      ("a\nb", .disallowedCharacter("\n")),
      (".", .dotName),
      ("..", .dotName),
    ])
  func refusesInvalid(_ text: String, _ reason: InvalidIdentifier.Reason) {
    for kind in IdentifierKind.allCases {
      #expect(!Identifier.isValid(text, as: kind))
      #expect(throws: InvalidIdentifier(kind: kind, value: text, reason: reason)) {
        try Identifier.validate(text, as: kind)
      }
    }
  }

  @Test("reserves the site id collector, and only for sites")
  func reservesCollector() throws {
    #expect(throws: InvalidIdentifier(kind: .site, value: "collector", reason: .reserved)) {
      try Identifier.validate("collector", as: .site)
    }
    for kind in [IdentifierKind.room, .sensor, .agent, .lot] {
      try Identifier.validate("collector", as: kind)
    }
    try Identifier.validate("Collector", as: .site)
  }

  @Test("validates substrings without copying them first")
  func validatesSubstrings() throws {
    let topic = "hongxuan/cold2"
    let site = topic.prefix(8)
    try Identifier.validate(site, as: .site)
    #expect(!Identifier.isValid(topic.dropFirst(7), as: .room))
  }

  @Test("messages say what is wrong in operator words")
  func messages() {
    func message(_ text: String, _ kind: IdentifierKind) -> String {
      do {
        try Identifier.validate(text, as: kind)
        return "valid"
      } catch {
        return error.description
      }
    }
    #expect(
      message("a/b", .site)
        == #"invalid site id "a/b": '/' is not allowed; only letters, digits, '.', '_' and '-' are allowed"#)
    #expect(
      message("cold 2", .room)
        == #"invalid room id "cold 2": a space is not allowed; only letters, digits, '.', '_' and '-' are allowed"#)
    #expect(
      message("a\tb", .sensor)
        == #"invalid sensor id "a\tb": U+0009 is not allowed; only letters, digits, '.', '_' and '-' are allowed"#)
    #expect(message("", .lot) == #"invalid lot id "": it is empty; an id needs 1 to 64 characters"#)
    #expect(message("..", .agent) == #"invalid agent id "..": '.' and '..' are not allowed as ids"#)
    #expect(
      message("collector", .site)
        == #"invalid site id "collector": "collector" is reserved for the collector's own status topic"#)
    let long = String(repeating: "y", count: 200)
    #expect(
      message(long, .sensor)
        == "invalid sensor id \"\(String(repeating: "y", count: 80))\"…: it has 200 characters; the limit is 64")
  }
}
