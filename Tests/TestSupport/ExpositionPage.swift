/// A strict reader of Prometheus's text format 0.0.4, for the tests: it rejects what Prometheus would (a sample
/// before its family's `# TYPE`, a family declared twice, a bad label or value) and unescapes label values, so a test
/// can compare what it reads with what was written.
public struct ExpositionPage {
  public struct Sample: Equatable, Sendable {
    public var name: String
    public var labels: [String: String]
    public var value: Double
  }

  public struct Family: Sendable {
    public var help: String?
    public var type: String?
    public var samples: [Sample] = []
  }

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  public let text: String
  public private(set) var families: [String: Family] = [:]
  public private(set) var order: [String] = []

  public init(_ text: String) throws {
    self.text = text
    guard text.hasSuffix("\n") else { throw Failure(description: "the page does not end with a newline") }
    var current: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
      if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
        let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, Self.isMetricName(parts[0]) else { throw Failure(description: "bad line: \(line)") }
        let name = parts[0]
        if families[name] == nil {
          families[name] = Family()
          order.append(name)
        } else if current != name {
          throw Failure(description: "family \(name) declared twice")
        }
        current = name
        if line.hasPrefix("# HELP ") {
          guard families[name]?.help == nil else { throw Failure(description: "two HELP lines for \(name)") }
          families[name]?.help = parts[1]
        } else {
          guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1]),
            families[name]?.type == nil, families[name]?.samples.isEmpty == true
          else { throw Failure(description: "bad or late TYPE line: \(line)") }
          families[name]?.type = parts[1]
        }
        continue
      }
      guard !line.hasPrefix("#"), !line.isEmpty else { throw Failure(description: "unexpected line: \(line)") }
      let sample = try Self.sample(String(line))
      guard let family = current, Self.belongs(sample.name, to: family, type: families[family]?.type) else {
        throw Failure(description: "sample \(sample.name) outside its family")
      }
      families[family]?.samples.append(sample)
    }
  }

  /// The samples named `name` (for a histogram, ask for `<name>_bucket` and the like).
  public func samples(_ name: String) -> [Sample] {
    families.values.flatMap(\.samples).filter { $0.name == name }
  }

  public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
    samples(name).first { $0.labels == labels }?.value
  }

  private static func belongs(_ sample: String, to family: String, type: String?) -> Bool {
    guard sample != family else { return true }
    guard type == "histogram" else { return false }
    return ["_bucket", "_sum", "_count"].contains { sample == family + $0 }
  }

  public static func isMetricName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first else { return false }
    let allowed = { (c: Unicode.Scalar) in c.isASCII && (c.properties.isAlphabetic || c == "_" || c == ":") }
    return allowed(first) && name.unicodeScalars.allSatisfy { allowed($0) || ("0"..."9").contains($0) }
  }

  private static func sample(_ line: String) throws -> Sample {
    var characters = Substring(line)
    let name = String(characters.prefix { $0 != "{" && $0 != " " })
    guard isMetricName(name) else { throw Failure(description: "bad metric name in: \(line)") }
    characters = characters.dropFirst(name.count)
    var labels: [String: String] = [:]
    if characters.first == "{" {
      characters = characters.dropFirst()
      while characters.first != "}" {
        let label = String(characters.prefix { $0 != "=" })
        guard isMetricName(label), !label.contains(":") else { throw Failure(description: "bad label in: \(line)") }
        characters = characters.dropFirst(label.count)
        guard characters.hasPrefix("=\"") else { throw Failure(description: "bad label value in: \(line)") }
        characters = characters.dropFirst(2)
        var value = ""
        while let character = characters.first, character != "\"" {
          characters = characters.dropFirst()
          guard character == "\\" else {
            value.append(character)
            continue
          }
          switch characters.first {
          case "\\": value.append("\\")
          case "\"": value.append("\"")
          case "n": value.append("\n")
          default: throw Failure(description: "bad escape in: \(line)")
          }
          characters = characters.dropFirst()
        }
        guard characters.first == "\"", labels[label] == nil else { throw Failure(description: "bad label: \(line)") }
        labels[label] = value
        characters = characters.dropFirst()
        if characters.first == "," { characters = characters.dropFirst() }
      }
      characters = characters.dropFirst()
    }
    guard characters.first == " " else { throw Failure(description: "no value in: \(line)") }
    let text = String(characters.dropFirst())
    let value: Double? =
      switch text {
      case "+Inf": .infinity
      case "-Inf": -.infinity
      case "NaN": .nan
      default: Double(text)
      }
    guard let value else { throw Failure(description: "bad value in: \(line)") }
    return Sample(name: name, labels: labels, value: value)
  }
}
