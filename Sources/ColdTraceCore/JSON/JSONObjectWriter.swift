/// Writes one JSON object as UTF-8 bytes, members in the order they are added: the one way ColdTrace writes JSON
/// (messages, journal lines, `--json` outputs).
///
/// Strings are escaped by `JSONText.appendQuoted`, numbers written by `JSONText.number` (optionally rounded first to a
/// number of decimals, as each output documents), and an absent value is `null`. Nested objects and arrays of objects
/// are written into the same buffer, without intermediate strings:
///
///     let line = JSONObjectWriter.object { json in
///       json.string("site", "hx")
///       json.number("temp_c", 3.42)
///       json.object("outbox") { $0.integer("pending", 0) }
///     }  // {"site":"hx","temp_c":3.42,"outbox":{"pending":0}}
public struct JSONObjectWriter {
  private var bytes: [UInt8] = []
  private var empty = true

  /// One object as a string.
  public static func object(capacity: Int = 256, _ build: (inout JSONObjectWriter) -> Void) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(capacity)
    write(to: &bytes, build)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// One object appended to `buffer` (no newline): for outputs that write many objects into one buffer.
  public static func write(to buffer: inout [UInt8], _ build: (inout JSONObjectWriter) -> Void) {
    var writer = JSONObjectWriter(appendingTo: &buffer)
    build(&writer)
    writer.finish(into: &buffer)
  }

  /// Starts an object at the end of `buffer`, which the writer holds (swapped in, not copied) until `finish(into:)`.
  private init(appendingTo buffer: inout [UInt8]) {
    swap(&bytes, &buffer)
    bytes.append(UInt8(ascii: "{"))
  }

  /// Closes the object and hands the buffer back.
  private mutating func finish(into buffer: inout [UInt8]) {
    bytes.append(UInt8(ascii: "}"))
    swap(&bytes, &buffer)
  }

  /// A string member, or `null` when absent.
  public mutating func string(_ key: String, _ value: String?) {
    start(key)
    if let value { JSONText.appendQuoted(value, to: &bytes) } else { appendNull() }
  }

  /// A number member (`JSONText.number`), or `null` when absent. With `decimals`, the value is first rounded to that
  /// many decimals (`(value × 10^decimals).rounded() / 10^decimals`).
  public mutating func number(_ key: String, _ value: Double?, decimals: Int? = nil) {
    start(key)
    guard var value else { return appendNull() }
    if let decimals {
      var scale = 1.0
      for _ in 0..<decimals { scale *= 10 }
      value = (value * scale).rounded() / scale
    }
    bytes.append(contentsOf: JSONText.number(value).utf8)
  }

  /// An integer member, or `null` when absent.
  public mutating func integer<Integer: BinaryInteger>(_ key: String, _ value: Integer?) {
    start(key)
    if let value { bytes.append(contentsOf: String(value).utf8) } else { appendNull() }
  }

  /// A `true` or `false` member.
  public mutating func bool(_ key: String, _ value: Bool) {
    start(key)
    bytes.append(contentsOf: (value ? "true" : "false").utf8)
  }

  /// A member whose value is already JSON text (another message's line, a number formatted elsewhere).
  public mutating func raw(_ key: String, _ json: String) {
    start(key)
    bytes.append(contentsOf: json.utf8)
  }

  /// The members of `object`, an object this writer wrote before (the journal puts `prev` before a rendered line's
  /// members).
  public mutating func members(of object: String) {
    let inner = object.utf8.dropFirst().dropLast()
    guard !inner.isEmpty else { return }
    if !empty { bytes.append(UInt8(ascii: ",")) }
    empty = false
    bytes.append(contentsOf: inner)
  }

  /// An array of strings.
  public mutating func strings(_ key: String, _ values: [String]) {
    start(key)
    bytes.append(UInt8(ascii: "["))
    for (position, value) in values.enumerated() {
      if position > 0 { bytes.append(UInt8(ascii: ",")) }
      JSONText.appendQuoted(value, to: &bytes)
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// A nested object.
  public mutating func object(_ key: String, _ build: (inout JSONObjectWriter) -> Void) {
    start(key)
    Self.write(to: &bytes, build)
  }

  /// A nested object made from `value`, or `null` when it is absent.
  public mutating func object<Value>(
    _ key: String, _ value: Value?, _ build: (inout JSONObjectWriter, Value) -> Void
  ) {
    guard let value else {
      start(key)
      return appendNull()
    }
    object(key) { build(&$0, value) }
  }

  /// An array with one object per item.
  public mutating func objects<Items: Sequence>(
    _ key: String, _ items: Items, _ build: (inout JSONObjectWriter, Items.Element) -> Void
  ) {
    start(key)
    bytes.append(UInt8(ascii: "["))
    for (position, item) in items.enumerated() {
      if position > 0 { bytes.append(UInt8(ascii: ",")) }
      Self.write(to: &bytes) { build(&$0, item) }
    }
    bytes.append(UInt8(ascii: "]"))
  }

  private mutating func start(_ key: String) {
    if !empty { bytes.append(UInt8(ascii: ",")) }
    empty = false
    JSONText.appendQuoted(key, to: &bytes)
    bytes.append(UInt8(ascii: ":"))
  }

  private mutating func appendNull() { bytes.append(contentsOf: "null".utf8) }
}
