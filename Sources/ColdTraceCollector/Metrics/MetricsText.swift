/// Prometheus's text exposition format 0.0.4, written by hand: ColdTrace's metrics are mostly state read at scrape
/// time (open alerts, each probe's last reading), which suits a writer better than a registry of pushed objects, and
/// the format is small. Each family is one `# HELP` and one `# TYPE` line followed by its samples; label values and
/// help text are escaped as the format says (label values: `\\`, `\"`, `\n`; help: `\\`, `\n`). No timestamps on
/// samples: they would break Prometheus's staleness handling.
public struct MetricsText: Sendable {
  public enum Kind: String, Sendable {
    case counter
    case gauge
    case histogram
  }

  public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  public private(set) var text = ""

  public init() {}

  /// Starts a family: its help and type lines.
  public mutating func family(_ name: String, _ kind: Kind, _ help: String) {
    text += "# HELP \(name) \(Self.escapedHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
  }

  /// One sample of the current family.
  public mutating func sample(_ name: String, _ value: Double) {
    sample(name, labels: [], value)
  }

  public mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String>, _ value: Double) {
    sample(name, labels: Array(labels), value)
  }

  public mutating func sample(_ name: String, labels: [(key: String, value: String)], _ value: Double) {
    text += name
    if !labels.isEmpty {
      text += "{" + labels.map { "\($0.key)=\"\(Self.escapedLabelValue($0.value))\"" }.joined(separator: ",") + "}"
    }
    text += " " + Self.formatted(value) + "\n"
  }

  /// A family with a single unlabelled sample.
  public mutating func single(_ name: String, _ kind: Kind, _ help: String, _ value: Double) {
    family(name, kind, help)
    sample(name, value)
  }

  /// Integers without a fraction (counts stay exact), `+Inf`, `-Inf` and `NaN` as the format spells them.
  static func formatted(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }

  static func escapedLabelValue(_ value: String) -> String {
    var escaped = ""
    for character in value {
      switch character {
      case "\\": escaped += "\\\\"
      case "\"": escaped += "\\\""
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  static func escapedHelp(_ help: String) -> String {
    var escaped = ""
    for character in help {
      switch character {
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
