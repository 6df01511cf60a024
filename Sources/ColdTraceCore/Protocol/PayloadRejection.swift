/// Why a reading payload was refused; the raw value is the quarantine table's and the metrics' reason label.
public enum RejectionReason: String, Sendable, CaseIterable {
  case malformedJSON = "malformed_json"
  case wrongType = "wrong_type"
  case missingField = "missing_field"
  case unknownVersion = "unknown_version"
  case nonFinite = "non_finite"
  case tempOutOfRange = "temp_out_of_range"
  case rhOutOfRange = "rh_out_of_range"
  case futureTimestamp = "future_timestamp"
  case badTimestamp = "bad_timestamp"
  case invalidID = "invalid_id"
  case tooLarge = "too_large"
  case noValues = "no_values"
  case badTopic = "bad_topic"
  case duplicateKey = "duplicate_key"
  case tooDeep = "too_deep"
  case invalidUTF8 = "invalid_utf8"
  case badSequence = "bad_sequence"
  /// `inc` is not a string of 1 to 64 id characters (`Incarnation`).
  case badIncarnation = "bad_incarnation"
  /// A `seq` already stored for the probe (same incarnation) came again with another `ts` or other values: the
  /// publisher restarted its numbering without announcing a new incarnation. Given by the collector's store, never
  /// by the decoder.
  case seqReused = "seq_reused"
  // A `[[source]]` message (a third-party publisher's) that cannot become a reading; docs/protocol.md, "Sources".
  case unmappedTopic = "unmapped_topic"
  case unmappedProbe = "unmapped_probe"
  case noValue = "no_value"
  case staleRetained = "stale_retained"
  case badTime = "bad_time"
  /// The probe is not in the collector's probe registry and its site's `probe_policy` is `hold` (or an operator
  /// rejected it): kept until `coldtrace probe approve`. Given by the collector's registry, never by the decoder.
  case unknownProbe = "unknown_probe"
  /// The probe is not registered and its site already has `max_probes` registered probes.
  case siteProbeLimit = "site_probe_limit"
  /// The site publishes more readings per second than its `max_readings_per_second` (and burst) allow.
  case siteRateLimit = "site_rate_limit"
}

/// A refused reading payload: the reason to count it under and one human line saying what was wrong, e.g.
/// `temp_c 91.5 is outside -80..85 °C (samples[3])`. The whole payload goes to quarantine with it.
public struct PayloadRejection: Error, Equatable, Sendable, CustomStringConvertible {
  public var reason: RejectionReason
  public var detail: String

  public init(_ reason: RejectionReason, _ detail: String) {
    self.reason = reason
    self.detail = detail
  }

  /// The rejection for a payload that is not acceptable JSON.
  public init(_ error: JSONParseError) {
    let reason: RejectionReason
    switch error.kind {
    case .malformed: reason = .malformedJSON
    case .tooDeep: reason = .tooDeep
    case .duplicateKey: reason = .duplicateKey
    case .nonFinite: reason = .nonFinite
    case .invalidUTF8: reason = .invalidUTF8
    }
    self.init(reason, error.description)
  }

  /// The rejection for a topic level that is not a valid id.
  public init(_ error: InvalidIdentifier) {
    self.init(.invalidID, error.description)
  }

  /// `temp_out_of_range: temp_c 91.5 is outside -80..85 °C (samples[3])`.
  public var description: String { "\(reason.rawValue): \(detail)" }
}

/// Untrusted text quoted for a one-line message: control characters and Unicode line breaks escaped, cut after
/// `limit` characters.
enum Excerpt {
  static func quoted(_ text: some StringProtocol, limit: Int = 80) -> String {
    let scalars = text.unicodeScalars
    if scalars.count <= limit { return escapingLineBreaks(String(text).debugDescription) }
    var short = String.UnicodeScalarView()
    short.append(contentsOf: scalars.prefix(limit))
    return escapingLineBreaks(String(short).debugDescription) + "…"
  }

  /// `debugDescription` leaves NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR as they are, and some readers break lines
  /// there; found by scripts/fuzz.sh.
  private static func escapingLineBreaks(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isLineBreak) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isLineBreak(scalar) {
        out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" || ("\n"..."\r").contains(scalar)
  }
}
