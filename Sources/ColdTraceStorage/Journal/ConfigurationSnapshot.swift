import ColdTraceCore
import Foundation

/// The configuration that decides what raises an alert, as the journal records it: the collector's settings (default
/// product, room assignments, offline and re-notification thresholds) by name, and a SHA-256 of every product profile
/// in force (their limits, delays, hysteresis, trend settings).
///
/// `coldtrace collect` compares it with the last one recorded and appends a `config_changed` line when they differ,
/// so an auditor can tell which limits judged which readings.
public struct ConfigurationSnapshot: Sendable, Equatable {
  /// Setting name → value as text, e.g. `default_product` → `litchi`, `room hongxuan/cold2` → `longan`.
  public var settings: [String: String]
  /// Lowercase hex SHA-256 of the profiles in force, encoded as JSON with sorted keys, in the order given.
  public var profilesSHA256: String

  public init(settings: [String: String], profilesSHA256: String) {
    self.settings = settings
    self.profilesSHA256 = profilesSHA256
  }

  /// The snapshot of `settings` with `profiles` in force.
  public init(settings: [String: String], profiles: [ProductProfile]) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(profiles)
    self.init(settings: settings, profilesSHA256: JournalChain.hash(String(decoding: data, as: UTF8.self)))
  }

  /// What differs from `earlier`, one phrase per setting in name order, then the profiles; `nil` for the first record.
  public func changes(from earlier: ConfigurationSnapshot?) -> [String] {
    guard let earlier else { return ["first recorded configuration"] }
    var found: [String] = []
    for name in Set(settings.keys).union(earlier.settings.keys).sorted() {
      let before = earlier.settings[name]
      let after = settings[name]
      guard before != after else { continue }
      found.append("\(name): \(before ?? "(unset)") → \(after ?? "(unset)")")
    }
    if profilesSHA256 != earlier.profilesSHA256 {
      found.append("product profiles: \(earlier.profilesSHA256.prefix(12))… → \(profilesSHA256.prefix(12))…")
    }
    return found
  }

  /// The journal fields after `event_id` and `at`: `"settings":{…},"profiles_sha256":"…","changes":[…]`.
  func writeJSONFields(changes: [String], to json: inout JSONObjectWriter) {
    json.object("settings") { json in
      for name in settings.keys.sorted() { json.string(name, settings[name] ?? "") }
    }
    json.string("profiles_sha256", profilesSHA256)
    json.strings("changes", changes)
  }

  /// The snapshot a `config_changed` journal line records, or `nil` if the line is not one.
  static func parse(line: String) -> ConfigurationSnapshot? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      object["event"] as? String == "config_changed", let settings = object["settings"] as? [String: String],
      let hash = object["profiles_sha256"] as? String
    else { return nil }
    return ConfigurationSnapshot(settings: settings, profilesSHA256: hash)
  }
}
