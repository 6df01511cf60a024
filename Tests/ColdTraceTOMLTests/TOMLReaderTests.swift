import ColdTraceTOML
import Testing

/// The reader on its own: every kind of value, the table rules, and errors that point at the line and column.
@Suite("TOML reader")
struct TOMLReaderTests {
  @Test("reads the values ColdTrace's files use")
  func values() throws {
    let table = try TOMLReader.parse(
      """
      # a comment
      site = "hongxuan"   # trailing comment
      interval_seconds = 2.5
      seed = 42
      enabled = true
      command = ["/usr/local/bin/read-probe", "--bus", "1"]
      calibration_c = [[0.4, 0.0], [40.3, 40.0]]
      [outbox]
      max_mb = 64
      [[sensor]]
      id = "probe-1"
      [[sensor]]
      id = "probe-2"
      """)
    #expect(
      table.keys == ["calibration_c", "command", "enabled", "interval_seconds", "outbox", "seed", "sensor", "site"])
    #expect(table["site"] == .string("hongxuan"))
    #expect(table["interval_seconds"] == .float(2.5))
    #expect(table["seed"] == .integer(42))
    #expect(table["enabled"] == .boolean(true))
    #expect(table["command"] == .array([.string("/usr/local/bin/read-probe"), .string("--bus"), .string("1")]))
    #expect(table["calibration_c"] == .array([.array([.float(0.4), .float(0)]), .array([.float(40.3), .float(40)])]))
    #expect(table["outbox"]?.table?["max_mb"] == .integer(64))
    let sensors = try #require(table["sensor"]?.array)
    #expect(sensors.map { $0.table?["id"] } == [.string("probe-1"), .string("probe-2")])
  }

  @Test("reads the four kinds of string and every escape")
  func strings() throws {
    let table = try TOMLReader.parse(
      #"""
      basic = "tab\there \"quoted\" back\\slash \u00E9 \U0001F9CA \b\f\r\n"
      literal = 'C:\no\escapes'
      multi = """
      line one
        line two \
          joined"""
      multi_literal = '''
      raw \n ''quoted'' '''
      quotes = """""two quotes inside"""""
      empty = ""
      unicode = "Nhiệt độ 2–4 °C"
      """#)
    #expect(table["basic"] == .string("tab\there \"quoted\" back\\slash é 🧊 \u{8}\u{C}\r\n"))
    #expect(table["literal"] == .string(#"C:\no\escapes"#))
    #expect(table["multi"] == .string("line one\n  line two joined"))
    #expect(table["multi_literal"] == .string(#"raw \n ''quoted'' "#))
    #expect(table["quotes"] == .string(#"""two quotes inside"""#))
    #expect(table["empty"] == .string(""))
    #expect(table["unicode"] == .string("Nhiệt độ 2–4 °C"))
  }

  @Test("reads integers and floats in every TOML form")
  func numbers() throws {
    let table = try TOMLReader.parse(
      """
      a = +17
      b = -0
      c = 1_000_000
      d = 0xDEAD_beef
      e = 0o755
      f = 0b1101
      g = -3.25
      h = 6.02e23
      i = 1E-3
      j = 9_224.5_1
      k = -inf
      l = nan
      m = 9223372036854775807
      n = -9223372036854775808
      """)
    #expect(table["a"] == .integer(17))
    #expect(table["b"] == .integer(0))
    #expect(table["c"] == .integer(1_000_000))
    #expect(table["d"] == .integer(0xDEAD_BEEF))
    #expect(table["e"] == .integer(0o755))
    #expect(table["f"] == .integer(0b1101))
    #expect(table["g"] == .float(-3.25))
    #expect(table["h"] == .float(6.02e23))
    #expect(table["i"] == .float(1e-3))
    #expect(table["j"] == .float(9224.51))
    #expect(table["k"] == .float(-.infinity))
    #expect(table["l"]?.double?.isNaN == true)
    #expect(table["m"] == .integer(.max))
    #expect(table["n"] == .integer(.min))
  }

  @Test("reads dotted and quoted keys, inline tables, and sub-tables of arrays of tables")
  func structure() throws {
    let table = try TOMLReader.parse(
      """
      a.b.c = 1
      "quoted key" = 2
      'literal key' = 3
      site . "room 1" = 4
      point = { x = 1, y.z = 2 }
      empty = {}
      [a.d]
      e = 5
      [[product]]
      id = "litchi-jp"
      [product.temp_c]
      hysteresis = 0.3
      [[product]]
      id = "mango"
      """)
    #expect(
      table["a"]
        == .table(TOMLTable(["b": .table(TOMLTable(["c": .integer(1)])), "d": .table(TOMLTable(["e": .integer(5)]))])))
    #expect(table["quoted key"] == .integer(2))
    #expect(table["literal key"] == .integer(3))
    #expect(table["site"]?.table?["room 1"] == .integer(4))
    #expect(table["point"] == .table(TOMLTable(["x": .integer(1), "y": .table(TOMLTable(["z": .integer(2)]))])))
    #expect(table["empty"] == .table(TOMLTable()))
    let products = try #require(table["product"]?.array)
    #expect(products.count == 2)
    #expect(products[0].table?["temp_c"]?.table?["hysteresis"] == .float(0.3))
    #expect(products[1].table?["temp_c"] == nil)
  }

  @Test("accepts CRLF line endings and a byte order mark")
  func lineEndings() throws {
    let table = try TOMLReader.parse("\u{FEFF}a = 1\r\n[t]\r\nb = \"x\"\r\n")
    #expect(table["a"] == .integer(1))
    #expect(table["t"]?.table?["b"] == .string("x"))
  }

  @Test(
    "refuses what is not TOML, naming the line and column and what is wrong",
    arguments: [
      ("a = 1\nb = \n", 2, 5, "expected a value"),
      ("a = 1\na = 2\n", 2, 1, "`a` is defined twice"),
      ("[t]\nx = 1\n[t]\n", 3, 1, "table [t] is defined twice"),
      ("a.b = 1\n[a]\n", 2, 1, "already defined by dotted keys"),
      ("[a.b]\n[a]\nb.c = 1\n", 3, 1, "defined by a [header]"),
      ("a = [1]\n[[a]]\n", 2, 1, "already has a value"),
      ("[[a]]\n[a]\n", 2, 1, "array of tables"),
      ("t = {x = 1}\n[t]\n", 2, 1, "already has a value"),
      ("t = {x = 1}\nt.y = 2\n", 2, 1, "already has a value"),
      ("a = 1 b = 2\n", 1, 7, "expected the end of the line"),
      ("a = \"open\n", 1, 10, "no closing"),
      ("a = \"\\x\"\n", 1, 6, "unknown escape"),
      ("a = \"\\uD800\"\n", 1, 6, "hex digits"),
      ("a = 01\n", 1, 5, "not a TOML number"),
      ("a = 1__0\n", 1, 5, "not a TOML number"),
      ("a = 1.\n", 1, 5, "not a TOML number"),
      ("a = +0x10\n", 1, 5, "not a TOML number"),
      ("a = 9223372036854775808\n", 1, 5, "not a TOML number"),
      ("a = 1e999\n", 1, 5, "out of range"),
      ("a = 1979-05-27\n", 1, 5, "dates and times"),
      ("a = 07:32:00\n", 1, 5, "dates and times"),
      ("a = 1979-05-27 07:32:00\n", 1, 5, "dates and times"),
      ("a = {x = 1,}\n", 1, 12, "expected a key"),
      ("a = {x = 1\n}\n", 1, 11, "expected ',' or '}'"),
      ("a = [1 2]\n", 1, 8, "expected ',' or ']'"),
      ("a = [}]\n", 1, 6, "expected a value or ']'"),
      ("[!x]\n", 1, 2, "a table header needs a key"),
      ("[t\n", 1, 3, "expected ']'"),
      ("a = \"x\" # bell \u{7}\n", 1, 16, "control character U+0007"),
      ("a = 1\rb = 2\n", 1, 6, "carriage return"),
      ("k\u{A0} = 1\n", 1, 2, "expected '=' after the key `k`, saw U+00A0"),
      ("\"\"\"k\"\"\" = 1\n", 1, 1, "multi-line"),
      ("nombre = \"x\"\ndé = 1\n", 2, 2, "expected '='"),
      ("a = trueish\n", 1, 9, "expected the end of the line"),
    ])
  func refusals(_ text: String, _ line: Int, _ column: Int, _ reason: String) {
    do {
      let table = try TOMLReader.parse(text)
      Issue.record("accepted \(text.debugDescription) as \(table)")
    } catch {
      #expect((error.line, error.column) == (line, column), "\(text.debugDescription): \(error)")
      #expect(error.reason.contains(reason), "\(text.debugDescription): \(error)")
    }
  }

  @Test("refuses arrays nested deeper than the limit instead of recursing without bound")
  func deepNesting() throws {
    let limit = TOMLReader.maxNesting
    let accepted = "a = " + String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
    #expect(try TOMLReader.parse(accepted)["a"] != nil)
    let refused = "a = " + String(repeating: "[", count: 100_000)
    #expect(throws: TOMLSyntaxError.self) { try TOMLReader.parse(refused) }
    let inline = "a = " + String(repeating: "{b = ", count: limit + 1)
    #expect(throws: TOMLSyntaxError.self) { try TOMLReader.parse(inline) }
  }
}
