import Foundation

/// The fenced code blocks of a guide in `deploy/`, so a test can check that what the guide tells an operator to
/// write is accepted by the programs it is for.
enum GuideExamples {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Each fenced block of `path` (relative to the repository), its lines dedented to the fence's indentation.
  static func codeBlocks(_ path: String) throws -> [String] {
    let text = try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    var blocks: [String] = []
    var current: [String]?
    var indent = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      let trimmed = line.drop { $0 == " " }
      if trimmed.hasPrefix("```") {
        if let lines = current {
          blocks.append(lines.joined(separator: "\n") + "\n")
          current = nil
        } else {
          current = []
          indent = line.count - trimmed.count
        }
      } else if current != nil {
        current?.append(String(line.dropFirst(min(indent, line.prefix { $0 == " " }.count))))
      }
    }
    return blocks
  }

  /// The one code block of `path` that contains `marker`.
  static func block(_ path: String, containing marker: String) throws -> String {
    let matches = try codeBlocks(path).filter { $0.contains(marker) }
    guard matches.count == 1 else {
      throw GuideError(description: "\(path): \(matches.count) code blocks contain \(marker), expected 1")
    }
    return matches[0]
  }

  struct GuideError: Error, CustomStringConvertible {
    var description: String
  }
}
