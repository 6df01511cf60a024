import Testing

@testable import ColdTraceCore

@Suite("Source id templates")
struct SourceIdTemplateTests {
  @Test("a template of one whole capture, a capture inside text, and a fixed id expand to the same ids")
  func expands() throws {
    let values = ["room": "cold2", "id": "0316A2C5D6FF"]
    #expect(try IdTemplate("{room}").expand(values) == "cold2")
    #expect(try IdTemplate("cold3-{id}").expand(values) == "cold3-0316A2C5D6FF")
    #expect(try IdTemplate("{room}-{id}").expand(values) == "cold2-0316A2C5D6FF")
    #expect(try IdTemplate("cold3-pulp").expand(values) == "cold3-pulp")
    #expect(try IdTemplate.roomCapture.expand(values) == "cold2")
  }

  @Test("a capture the message does not give is refused with its name, whole or inside text")
  func missingCapture() throws {
    for text in ["{sensor}", "x-{sensor}"] {
      let error = #expect(throws: PayloadRejection.self) { try IdTemplate(text).expand(["room": "cold2"]) }
      #expect(error?.reason == .unmappedProbe)
      #expect(error?.detail == "the message gives no {sensor} for the id \(text)")
    }
  }

  @Test("a top-level and a dotted JSON path find the same values as before")
  func jsonPaths() throws {
    let document = try JSONParser.parse(#"{"t":3.5,"params":{"ts":12},"a.b":1}"#)
    #expect(document.at(path: "t") == .number(3.5))
    #expect(document.at(path: "params.ts") == .number(12))
    #expect(document.at(path: "missing") == nil)
    #expect(document.at(path: "t.x") == nil)
    #expect(document.at(path: "") == document)
    #expect(JSONValue.number(1).at(path: "t") == nil)
  }
}
