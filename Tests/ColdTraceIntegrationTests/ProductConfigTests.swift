import ColdTraceConfig
import ColdTraceCore
import Foundation
import TestSupport
import Testing

/// `[[product]]` tables in the collector config: overriding a built-in profile and adding new ones.
@Suite(.timeLimit(.minutes(10)))
struct ProductConfigTests {
  private func catalog(_ text: String) throws(ConfigError) -> ProfileCatalog {
    try ProfileCatalog.configured(try ConfigTable(path: "collector.toml", text: text))
  }

  @Test func anOverrideChangesOnlyTheKeysItSetsAndCitesItsSourceFirst() throws {
    let catalog = try catalog(
      """
      [[product]]
      id = "litchi"
      sources = ["Contract HX-2026-07: pulp 1–4 °C"]
      [product.temp_c]
      warning_high = { value = 4, after_minutes = 30 }
      critical_low = { off = true }
      [product.budget]
      temp_c_minutes = 90
      """)
    let litchi = try #require(catalog.named("litchi"))
    let builtIn = BuiltInProfiles.litchi
    #expect(litchi.temperature.warningHigh == BandLimit(threshold: 4, delaySeconds: 1800))
    #expect(litchi.temperature.criticalLow == nil)
    #expect(litchi.temperature.criticalHigh == builtIn.temperature.criticalHigh)
    #expect(litchi.humidity == builtIn.humidity)
    #expect(litchi.budget?.temperatureMinutes == 90)
    #expect(litchi.sources.first == "Contract HX-2026-07: pulp 1–4 °C")
    #expect(litchi.sources.dropFirst().elementsEqual(builtIn.sources))
    #expect(catalog.ids == BuiltInProfiles.all.map(\.id), "an override keeps its place")
    let longan = try #require(catalog.named("longan"))
    #expect(catalog.isConfigured(litchi) && !catalog.isConfigured(longan))
  }

  @Test func aNewProductStartsFromItsBase() throws {
    let catalog = try catalog(
      """
      [[product]]
      id = "litchi-jp"
      base = "litchi"
      name = "Litchi for the Japanese contract"
      market = "JP"
      sources = ["Importer's specification 2026"]
      notes = ["Fumigated before storage."]
      [product.cold_treatment]
      max_temp_c = 1.1
      days = 14
      """)
    let added = try #require(catalog.named("LITCHI-JP"))
    #expect(added.id == "litchi-jp" && added.market == "JP" && added.name == "Litchi for the Japanese contract")
    #expect(added.temperature == BuiltInProfiles.litchi.temperature)
    #expect(added.coldTreatment == ColdTreatment(maxTempC: 1.1, days: 14))
    #expect(added.sources == ["Importer's specification 2026"], "the base's sources cite the base's numbers")
    #expect(added.notes == ["Based on litchi: \(BuiltInProfiles.litchi.name).", "Fumigated before storage."])
    #expect(catalog.ids.last == "litchi-jp")
  }

  @Test(arguments: [
    ("[[product]]\nsources = [\"x\"]", "`product[1].id` is missing"),
    ("[[product]]\nid = \"mango\"\nsources = [\"x\"]", "needs `base`"),
    ("[[product]]\nid = \"mango\"\nbase = \"kiwi\"\nsources = [\"x\"]", "unknown product \"kiwi\""),
    ("[[product]]\nid = \"litchi\"\nbase = \"longan\"\nsources = [\"x\"]", "only for new products"),
    ("[[product]]\nid = \"litchi\"", "must cite where"),
    ("[[product]]\nid = \"a/b\"\nsources = [\"x\"]", "letters, digits"),
    ("[[product]]\nid = \"litchi\"\ncolour = 1\nsources = [\"x\"]", "unknown key `product[1].colour`"),
    (
      "[[product]]\nid = \"litchi\"\nsources = [\"x\"]\n[product.temp_c]\nwarning_high = { value = nan }",
      "from −80 to 100"
    ),
    (
      "[[product]]\nid = \"litchi\"\nsources = [\"x\"]\n[product.temp_c]\nwarning_high = { value = 4, after_minutes = -1 }",
      "0…10080"
    ),
    (
      "[[product]]\nid = \"litchi\"\nsources = [\"x\"]\n[product.temp_c]\nwarning_high = { value = 9 }\n"
        + "critical_high = { value = 8 }",
      "unusable profile"
    ),
    (
      "[[product]]\nid = \"litchi\"\nsources = [\"x\"]\n[product.cold_treatment]\nmax_temp_c = 1",
      "cold_treatment.days`"
    ),
    ("[[product]]\nid = \"litchi\"\nsources = [\"x\"]\n[product.budget]\ntemp_c_minutes = -5", "0…525600"),
  ])
  func badTablesAreRefusedWithTheKeyNamed(text: String, expected: String) {
    do {
      _ = try catalog(text)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.description.contains(expected), "\(error.description)")
      #expect(error.description.hasPrefix("collector.toml"), "\(error.description)")
      #expect(!error.description.contains("\n"))
    }
  }

  @Test func theShellUsesTheConfiguredProfiles() throws {
    let directory = try TemporaryDirectory.make(prefix: "products")
    defer { try? FileManager.default.removeItem(at: directory) }
    let config = directory.appendingPathComponent("collector.toml")
    let database = directory.appendingPathComponent("coldtrace.db").path
    try """
    default_product = "litchi-jp"
    [[product]]
    id = "litchi-jp"
    base = "litchi"
    market = "JP"
    sources = ["Importer's specification 2026"]
    [product.temp_c]
    warning_high = { value = 4, after_minutes = 20 }
    """.write(to: config, atomically: true, encoding: .utf8)
    func coldtrace(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
      try Executables.run(Executables.product("coldtrace"), arguments + ["--config", config.path, "--db", database])
    }
    let products = try coldtrace("products", "--json")
    #expect(products.status == 0, "\(products.stderr)")
    let added = try #require(products.stdout.split(separator: "\n").last { $0.contains("\"id\":\"litchi-jp\"") })
    #expect(added.contains("\"warning_high\":{\"value\":4,\"delay_s\":1200}"), "\(added)")
    let lot = try coldtrace("lot", "add", "JP-1", "--product", "litchi-jp", "--room", "hx/cold1")
    #expect(lot.status == 0, "\(lot.stderr)")
    let report = try coldtrace("report", "JP-1", "--format", "json")
    #expect(report.status == 0, "\(report.stderr)")
    #expect(report.stdout.contains("\"product\":\"litchi-jp\""))
    // Without the config, the product is unknown: one line, exit 2.
    let unknown = try Executables.run(
      Executables.product("coldtrace"),
      ["lot", "add", "JP-2", "--product", "litchi-jp", "--room", "hx/cold1", "--db", database])
    #expect(unknown.status == 2 && unknown.stderr.contains("unknown product \"litchi-jp\""), "\(unknown.stderr)")
  }
}
