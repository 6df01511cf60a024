import ColdTraceTOML
import Foundation
import TOMLKit
import Testing

/// ColdTraceTOML against TOMLKit (toml++), the reader it replaced: on the repository's configuration and scenario
/// files and fuzzing corpora, and on tricky and hostile texts, both must accept the same documents with the same
/// values, or both refuse. The known differences are listed in `documentedDifferences`.
@Suite("TOML reader against TOMLKit")
struct TOMLKitDifferentialTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Every TOML file in the repository and every fuzzing corpus entry for the two config readers.
  static let repositoryFiles: [String] = {
    var paths: [String] = []
    for directory in ["deploy", "Simulators/scenarios", "Fuzz/corpus/agent-config", "Fuzz/corpus/collector-config"] {
      let url = root.appendingPathComponent(directory)
      let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
      for name in names.sorted() where directory.hasPrefix("Fuzz") || name.hasSuffix(".toml") {
        paths.append(directory + "/" + name)
      }
    }
    return paths
  }()

  /// Fuzzing finds that make toml++ fail an assertion and abort (TOMLKit's parser cannot be asked about them): a table
  /// header without a key, a `}` where an array expects a value. ColdTraceTOML must refuse them.
  static let tomlKitAborts: Set<String> = [
    "Fuzz/corpus/agent-config/fixed-2157c26d4b0c", "Fuzz/corpus/agent-config/fixed-96291bbc9989",
    "Fuzz/corpus/collector-config/fixed-cc31b4cfa846", "Fuzz/corpus/collector-config/fixed-e6c066fdb9e3",
  ]

  /// Texts both readers must treat alike (none of them makes toml++ assert).
  static let tricky: [String] = [
    "a = 1\n", "a = 1", "\n\n# only a comment\n", "", "a = \"x\" # c\n", "a.b.c = 1\na.b.d = 2\n",
    "[a]\nb.c = 1\n[a.b.d]\ne = 2\n", "[a.b]\nc = 1\n[a]\nd = 2\n", "[[p]]\nx = 1\n[p.q]\ny = 2\n[[p]]\nx = 2\n",
    "a = [1, 'two', 3.0, true, [], {}, { x = [1] }]\n", "a = [\n  1, # one\n  2,\n]\n", "a = {}\n", "a = { b.c = 1 }\n",
    "\"\" = 1\n", "'' = 2\n", "\"a.b\" = 1\na.b = 2\n", "1 = 1\n1.2 = 3\n", "-_ = 1\n", "a = 0x7FFFFFFFFFFFFFFF\n",
    "a = 0o17\nb = 0b1\n", "a = +inf\nb = -nan\nc = +0.0\nd = -0.0\n", "a = 1e10\nb = 1.5E-3\nc = 1_0.0_1e1_0\n",
    "a = \"\\u00e9\\U0001F600\\t\"\n", "a = '''\n\n'''\n", "a = \"\"\"\\\n   \n  x\"\"\"\n", "a = \"\"\"a\"\"\"\"\"\n",
    "a = '''a'''''\n", "a = \"\"\"\r\nx\r\n\"\"\"\n", "a = 1\r\n", "\u{FEFF}a = 1\n", "a\t=\t1\t\n",
    "a = 'x'\n[b]\n[c]\n",
    "[ a . b ]\n", "[[ a ]]\n", "[\"a\".'b']\nc = 1\n", "a = [[1, 2], [3]]\n", "a = 1\na = 2\n", "[a]\n[a]\n",
    "a.b = 1\n[a]\n", "[a]\nb = 1\n[a.b]\n", "a = [1]\n[[a]]\n", "[[a]]\n[a]\n", "[a]\n[[a]]\n", "a = {x = 1}\n[a]\n",
    "a = {x = 1}\na.y = 2\n", "a = {x = 1, x = 2}\n", "a = {x = 1,}\n", "a = {x = 1\n}\n", "a = [1 2]\n",
    "a = [1,,2]\n",
    "a = [,]\n", "a = 01\n", "a = 1__0\n", "a = _1\n", "a = 1_\n", "a = 1.\n", "a = .1\n", "a = 1e\n", "a = 0x\n",
    "a = +0x1\n", "a = 0X1\n", "a = 9223372036854775808\n", "a = -9223372036854775809\n", "a = 1e999\n",
    "a = infinity\n",
    "a = True\n", "a = truex\n", "a = \"\\x\"\n", "a = \"\\uD800\"\n", "a = \"\\u12\"\n", "a = \"open\n", "a = 'open\n",
    "a = \"\"\"open\n", "a = \"tab\tok\"\n", "a = \"bell\u{7}\"\n", "# bell \u{7}\n", "a = 1 b = 2\n", "a =\n", "= 1\n",
    "a b = 1\n", "[a\n", "[a]]\n", "[[a]\n", "[a] x\n", "a = 1\rb = 2\n", "a = \"\"\"x\"\"\"\"\"\"\n", "a\u{A0}= 1\n",
    "a = [1, 2]]\n", "a = { b = 1 } c\n", "a = [\n1\n,\n2\n]\n", "a = [ # c\n]\n", "\"\"\"a\"\"\" = 1\n",
    "\u{A0}a = 1\n",
    "[a.b.c]\n[a]\nb.d = 1\n", "[a.b.c]\n[a]\nb.d = 1\n[a.b]\n", "[a.b.c]\nz = 1\n[a]\nb.c.t = 2\n",
    "[f]\napple.color = 'red'\n[f.apple.texture]\nx = 1\n",
    "[f]\napple.color = 'red'\n[f.apple]\n", "a = {b = 1}\n[a.c]\n", "[[a]]\n[[a.b]]\n[a.b.c]\n[[a]]\n",
    "a.b = 1\n[a.c]\n",
    "[a]\n[a.b]\n[a]\n", "x = [{a = 1}, {a = 2}]\n[[x]]\n", "[[x]]\n[x.y]\nz = 1\n[x.y]\n", "'a\\b' = \"\\\\\"\n",
  ]

  /// Where the two readers differ on purpose: TOMLKit reads dates and times (ColdTrace's files write times as
  /// strings).
  static let documentedDifferences: [String] = [
    "a = 1979-05-27\n", "a = 07:32:00\n", "a = 1979-05-27T07:32:00Z\n", "a = 1979-05-27 07:32:00\n",
  ]

  @Test("agrees with TOMLKit on the repository's TOML files and fuzzing corpora")
  func repositoryFilesAgree() throws {
    #expect(Self.repositoryFiles.count > 20)
    for path in Self.repositoryFiles {
      let data = try Data(contentsOf: Self.root.appendingPathComponent(path))
      guard let text = String(data: data, encoding: .utf8) else { continue }  // ConfigTable refuses non-UTF-8 first
      if Self.tomlKitAborts.contains(path) {
        #expect(throws: TOMLSyntaxError.self, "\(path)") { try TOMLReader.parse(text) }
      } else {
        try compare(text, label: path)
      }
    }
  }

  @Test("agrees with TOMLKit on tricky and hostile texts", arguments: tricky)
  func trickyTextsAgree(_ text: String) throws {
    try compare(text, label: text.debugDescription)
  }

  @Test("refuses dates and times, which TOMLKit reads", arguments: documentedDifferences)
  func documentedDifferencesAreRefused(_ text: String) throws {
    #expect(throws: Never.self) { try TOMLKit.TOMLTable(string: text) }
    #expect(throws: TOMLSyntaxError.self) { try TOMLReader.parse(text) }
  }

  private func compare(_ text: String, label: String) throws {
    let theirs = Result { try TOMLKit.TOMLTable(string: text) }
    let ours = Result { () throws(TOMLSyntaxError) in try TOMLReader.parse(text) }
    switch (theirs, ours) {
    case (.success(let expected), .success(let actual)):
      #expect(actual.keys == expected.keys, "\(label)")
      #expect(same(ColdTraceTOML.TOMLValue.table(actual), expected), "\(label): \(actual) vs \(expected)")
    case (.failure, .failure(let error)):
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
      #expect(error.line >= 1 && error.line <= lines, "\(label): \(error)")
    case (.success(let expected), .failure(let error)):
      Issue.record("\(label): TOMLKit reads \(expected) but ColdTraceTOML refuses: \(error)")
    case (.failure(let error), .success(let actual)):
      Issue.record("\(label): TOMLKit refuses (\(error)) but ColdTraceTOML reads \(actual)")
    }
  }

  private func same(_ ours: ColdTraceTOML.TOMLValue, _ theirs: any TOMLValueConvertible) -> Bool {
    switch ours {
    case .string(let text): return theirs.type == .string && theirs.string == text
    case .integer(let number): return theirs.type == .int && theirs.int == number
    case .float(let number):
      guard theirs.type == .double, let other = theirs.double else { return false }
      return number.isNaN ? other.isNaN : number == other && number.sign == other.sign
    case .boolean(let flag): return theirs.type == .bool && theirs.bool == flag
    case .array(let elements):
      guard theirs.type == .array, let other = theirs.array, other.count == elements.count else { return false }
      return zip(elements, other).allSatisfy { same($0, $1) }
    case .table(let table):
      guard theirs.type == .table, let other = theirs.table, other.keys == table.keys else { return false }
      return table.keys.allSatisfy { key in other[key].map { same(table[key]!, $0) } ?? false }
    }
  }
}
