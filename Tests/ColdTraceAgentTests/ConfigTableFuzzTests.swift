import ColdTraceConfig
import Testing

/// Config texts `scripts/fuzz.sh` found (the `agent-config` and `collector-config` fuzzers): a table header whose
/// brackets hold no key made TOMLKit's parser (toml++), which ColdTrace used before `ColdTraceTOML`, fail an assertion
/// and abort the program; they are refused with the line and column.
@Suite("Config files: fuzzing regressions")
struct ConfigTableFuzzTests {
  @Test(
    "refuses a table header without a key, naming the line and column",
    arguments: [
      ("site = \"hongxuan\"\n[\u{1}\u{0}\u{0}-[sensor]]\n", 2, 2), ("[tls]\n[\u{FFFD}\u{FFFD}]\n", 2, 2),
      ("[!x]", 1, 2), ("  [[ +sensor]]", 1, 6), ("[{a = 1}]", 1, 2), ("a = 1\n[", 2, 2), ("[\n", 1, 2),
      ("a = [1]\n[=]", 2, 2), ("\u{FEFF}[\u{228}0", 1, 3),
    ])
  func headerWithoutAKey(_ text: String, _ line: Int, _ column: Int) {
    do {
      _ = try ConfigTable(path: "agent.toml", text: text)
      Issue.record("accepted \(text.debugDescription)")
    } catch {
      #expect(error.description.hasPrefix("agent.toml:\(line):\(column): a table header needs a key"))
    }
  }

  /// toml++ skipped Unicode spaces there; TOML 1.0 has only space and tab, so the first one is the error.
  @Test(
    "refuses a Unicode space that TOML does not count as whitespace, at its position",
    arguments: [("\u{A0}[!x]", 1, 1, "expected a key, saw U+00A0"), ("a = 1\u{2028}[!x]", 1, 6, "saw U+2028")])
  func unicodeSpace(_ text: String, _ line: Int, _ column: Int, _ reason: String) {
    do {
      _ = try ConfigTable(path: "agent.toml", text: text)
      Issue.record("accepted \(text.debugDescription)")
    } catch {
      #expect(error.description.hasPrefix("agent.toml:\(line):\(column): "), "\(error)")
      #expect(error.description.contains(reason), "\(error)")
    }
  }

  /// The `agent-config` fuzzer: `id = [[[…[[}}}` made toml++ fail `!is_value_terminator(*cp)` in `parse_value`.
  @Test(
    "refuses a '}' where an array expects a value",
    arguments: [("a = [}]", 1, 6), ("a = [1, }]", 1, 9), ("a = [{}, }]", 1, 10), ("a = [\n # c\n  }\n]", 3, 3)])
  func closingBraceInAnArray(_ text: String, _ line: Int, _ column: Int) {
    do {
      _ = try ConfigTable(path: "agent.toml", text: text)
      Issue.record("accepted \(text.debugDescription)")
    } catch {
      #expect(error.description.hasPrefix("agent.toml:\(line):\(column): "), "\(error)")
    }
  }

  @Test("still reads lines of multi-line arrays, strings and comments that start with '['")
  func bracketsThatAreNotHeaders() throws {
    let text = """
      calibration = [
        [+1.0, 0.0],
        [{ x = 1 }],
        [ -40.0, -39.5 ], { y = [1, 2], z = {} },
      ]
      note = \"\"\"
      [!not a header]
      \"\"\"
      literal = '''
      [+ nor this]'''
      # [! a comment]
      [ "quoted key" ]
      [[ bare-key ]]
      """
    let table = try ConfigTable(path: "x.toml", text: text)
    #expect(Set(table.keys) == ["calibration", "note", "literal", "quoted key", "bare-key"])
    #expect(try table.string("note") == "[!not a header]\n")
  }
}
