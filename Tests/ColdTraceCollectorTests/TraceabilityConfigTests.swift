import ColdTraceConfig
import ColdTraceCore
import Testing

@testable import ColdTraceCollector

/// `[sites] gs1_company_prefix`, `uri_base`, `[sites.<id>] gln` and `[gtin]`: read beside the site limits, checked so
/// a mistyped key is refused with the line rather than exported.
@Suite struct TraceabilityConfigTests {
  private func load(_ text: String) throws(ConfigError) -> CollectorConfigFile {
    try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: text))
  }

  @Test func theIdentifiersAreReadBesideTheSiteLimits() throws {
    let file = try load(
      """
      signing_key = "/etc/coldtrace/coop.key"
      [sites]
      gs1_company_prefix = "8930001"
      uri_base = "https://trace.hongxuan.vn/id"
      max_probes = 300
      [sites.hongxuan]
      gln = "8930001000018"
      max_probes = 400
      [gtin]
      litchi = "18930001000022"
      longan = "8930001000025"
      """)
    #expect(file.signingKey == "/etc/coldtrace/coop.key")
    #expect(
      file.traceIdentifiers
        == TraceIdentifiers(
          companyPrefix: "8930001", uriBase: "https://trace.hongxuan.vn/id", siteGLNs: ["hongxuan": "8930001000018"],
          productGTINs: ["litchi": "18930001000022", "longan": "08930001000025"]))
    #expect(file.siteLimits.defaults.maxProbes == 300 && file.siteLimits.sites["hongxuan"]?.maxProbes == 400)
    #expect(try load("").traceIdentifiers == TraceIdentifiers())
  }

  @Test(arguments: [
    ("[sites]\ngs1_company_prefix = \"89300\"\n", "6 to 12 digits"),
    ("[sites]\nuri_base = \"https://trace.hongxuan.vn/\"\n", "trailing slash"),
    ("[sites]\nuri_base = \"trace.hongxuan.vn\"\n", "http(s) or urn"),
    ("[sites.hongxuan]\ngln = \"8930001000019\"\n", "wrong check digit"),
    ("[sites.hongxuan]\ngln = \"893000100001\"\n", "13 digits"),
    ("[sites]\ngs1_company_prefix = \"8930002\"\n[sites.hongxuan]\ngln = \"8930001000018\"\n", "does not begin"),
    ("[gtin]\nmango = \"18930001000022\"\n", "names no product"),
    ("[gtin]\nlitchi = \"18930001000023\"\n", "wrong check digit"),
    ("[sites]\ngs1_company_prefix = \"8930002\"\n[gtin]\nlitchi = \"18930001000022\"\n", "not under"),
    ("[sites.hongxuan]\ngtin = \"18930001000022\"\n", "gtin"),
  ])
  func aMistypedKeyIsRefusedWithTheReason(_ text: String, _ reason: String) {
    do {
      _ = try load(text)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.description.contains(reason), "\(error.description)")
    }
  }
}
