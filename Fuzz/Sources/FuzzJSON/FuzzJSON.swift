import ColdTraceCore

/// Any bytes through the strict JSON parser.
///
/// Beyond not crashing: an error points inside the input and is one line; an accepted document, written back with
/// `JSONText`, parses to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeRawBufferPointer(start: data, count: size)
  do throws(JSONParseError) {
    let value = try JSONParser.parse(input)
    var text = ""
    write(value, to: &text)
    do throws(JSONParseError) {
      let again = try JSONParser.parse(text)
      guard again == value else { fatalError("\(text) parses to \(again), not \(value)") }
    } catch {
      fatalError("the parser's own value written as \(text) is refused: \(error)")
    }
  } catch {
    guard (0...size).contains(error.offset), !error.description.contains(where: \.isNewline) else {
      fatalError("bad error for \(size) bytes: \(error.description.debugDescription)")
    }
  }
  return 0
}

/// Compact JSON text for `value`.
func write(_ value: JSONValue, to out: inout String) {
  switch value {
  case .null: out.append("null")
  case .bool(let flag): out.append(flag ? "true" : "false")
  case .number(let number): out.append(JSONText.number(number))
  case .string(let text): JSONText.appendQuoted(text, to: &out)
  case .array(let elements):
    out.append("[")
    for (position, element) in elements.enumerated() {
      if position > 0 { out.append(",") }
      write(element, to: &out)
    }
    out.append("]")
  case .object(let object):
    out.append("{")
    for (position, member) in object.members.enumerated() {
      if position > 0 { out.append(",") }
      JSONText.appendQuoted(member.key, to: &out)
      out.append(":")
      write(member.value, to: &out)
    }
    out.append("}")
  }
}
