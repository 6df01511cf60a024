import ColdTraceCore

extension ConfigTable {
  /// A string that must name one of `Choice`'s cases (`nil` when the key is absent): `placement = "product"`; any
  /// other word is refused with the accepted ones, "must be one of air, product, … (got \"pulp\")".
  public func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, of _: Choice.Type) throws(ConfigError)
    -> Choice? where Choice.RawValue == String
  {
    guard let text = try string(key) else { return nil }
    guard let chosen = Choice(rawValue: text) else {
      let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
      throw invalid(key, "must be one of \(known) (got \"\(text)\")")
    }
    return chosen
  }

  /// A placement (`air`, `product`, `simulant`, `evaporator`, `ambient`), `nil` when the key is absent.
  public func placement(_ key: String) throws(ConfigError) -> Placement? { try choice(key, of: Placement.self) }
}
