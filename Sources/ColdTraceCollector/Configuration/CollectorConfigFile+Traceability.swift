import ColdTraceConfig
import ColdTraceCore

extension CollectorConfigFile {
  /// The keys of `[sites]` that name the cooperative to the outside world (EPCIS exports).
  static let traceabilityKeys: Set<String> = ["gs1_company_prefix", "uri_base"]
  /// The key of `[sites.<id>]` that does.
  static let siteTraceabilityKeys: Set<String> = ["gln"]

  /// `[sites] gs1_company_prefix` and `uri_base`, `[sites.<id>] gln`, and `[gtin]`: how EPCIS documents name places
  /// and lots (docs/operations.md, "Identifiers for EPCIS").
  ///
  /// ```toml
  /// [sites]
  /// gs1_company_prefix = "8930001"            # on the GS1 Vietnam certificate; splits GLNs and GTINs into EPC URNs
  /// uri_base = "https://trace.hongxuan.vn/id" # own URIs for places and lots without a GS1 key
  ///
  /// [sites.hongxuan]
  /// gln = "8930001000018"                     # rooms become urn:epc:id:sgln:8930001.00001.<room>
  ///
  /// [gtin]
  /// litchi = "18930001000022"                 # lots become urn:epc:class:lgtin:8930001.100002.<lot>
  /// ```
  static func traceIdentifiers(_ config: ConfigTable, catalog: ProfileCatalog) throws(ConfigError)
    -> TraceIdentifiers
  {
    var identifiers = TraceIdentifiers()
    if let sites = try config.table("sites") {
      if let prefix = try sites.string("gs1_company_prefix") {
        guard GS1Key.isCompanyPrefix(prefix) else {
          throw sites.invalid("gs1_company_prefix", "must be the 6 to 12 digits of a GS1 company prefix")
        }
        identifiers.companyPrefix = prefix
      }
      if let base = try sites.string("uri_base") {
        guard base.hasPrefix("https://") || base.hasPrefix("http://") || base.hasPrefix("urn:"),
          !base.hasSuffix("/"), !base.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" })
        else {
          throw sites.invalid(
            "uri_base", "must be an http(s) or urn URI without a trailing slash, e.g. \"https://trace.hongxuan.vn/id\"")
        }
        identifiers.uriBase = base
      }
      let siteIDs = sites.keys.filter {
        !siteLimitKeys.contains($0) && !traceabilityKeys.contains($0) && $0 != "limit_clear_minutes"
      }
      for id in siteIDs {
        guard let site = try sites.table(id), let text = try site.string("gln") else { continue }
        identifiers.siteGLNs[id] = try checked(GS1Key.gln(text), site, "gln", prefix: identifiers.companyPrefix)
      }
    }
    if let gtins = try config.table("gtin") {
      for product in gtins.keys {
        guard catalog.named(product) != nil else {
          throw gtins.invalid(product, "names no product (known: \(catalog.ids.joined(separator: ", ")))")
        }
        guard let text = try gtins.string(product) else { continue }
        let gtin = try checked(GS1Key.gtin(text), gtins, product, prefix: nil)
        if let prefix = identifiers.companyPrefix, !gtin.dropFirst().hasPrefix(prefix) {
          throw gtins.invalid(
            product, "is not under gs1_company_prefix \(prefix) (expected 0\(prefix)… or its indicator digit)")
        }
        identifiers.productGTINs[product] = gtin
      }
    }
    return identifiers
  }

  private static func checked(
    _ key: Result<String, GS1KeyError>, _ table: ConfigTable, _ name: String, prefix: String?
  ) throws(ConfigError) -> String {
    switch key {
    case .failure(let error): throw table.invalid(name, error.description)
    case .success(let digits):
      if let prefix, name == "gln", !digits.hasPrefix(prefix) {
        throw table.invalid(name, "\(digits) does not begin with gs1_company_prefix \(prefix)")
      }
      return digits
    }
  }
}
