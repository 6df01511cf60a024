import ColdTraceConfig
import Testing

/// `ConfigTable`'s range-checked numbers: what each rule accepts, and the error naming the key in the rule's words.
@Suite("Config files: range-checked numbers")
struct NumberRuleTests {
  private func table(_ text: String) throws -> ConfigTable { try ConfigTable(path: "agent.toml", text: text) }

  private func refusal(_ text: String, _ read: (ConfigTable) throws(ConfigError) -> Void) throws -> String? {
    do throws(ConfigError) {
      try read(try ConfigTable(path: "agent.toml", text: text))
      return nil
    } catch {
      return error.description
    }
  }

  @Test("within includes both bounds and refuses NaN and the infinities")
  func within() {
    let rule = NumberRule<Double>.within(0.5...3600)
    #expect(rule.accepts(0.5) && rule.accepts(3600))
    #expect(!rule.accepts(0.49) && !rule.accepts(3600.5))
    #expect(!rule.accepts(.nan) && !rule.accepts(.infinity) && !rule.accepts(-.infinity))
    #expect(rule.wording == "must be 0.5…3600")
    #expect(NumberRule<Double>.within(0...10_080, "a week").wording == "must be 0…10080 (a week)")
    #expect(NumberRule<Int>.within(1...65_536).wording == "must be 1…65536")
  }

  @Test("positive excludes zero; not negative includes it; neither has a ceiling unless given one")
  func positiveAndNonNegative() {
    #expect(!NumberRule<Double>.positive.accepts(0) && NumberRule<Double>.positive.accepts(.infinity))
    #expect(NumberRule<Double>.nonNegative.accepts(0) && !NumberRule<Double>.nonNegative.accepts(-0.1))
    #expect(!NumberRule<Double>.positive.accepts(.nan) && !NumberRule<Double>.nonNegative.accepts(.nan))
    let capped = NumberRule<Double>.positive(atMost: 87_600, "ten years")
    #expect(capped.accepts(87_600) && !capped.accepts(87_600.5) && !capped.accepts(0))
    #expect(capped.wording == "must be positive, at most 87600 (ten years)")
    #expect(capped.saying("must be more than 0").wording == "must be more than 0")
  }

  @Test("a refused number names the file, the line and the key, in the rule's words")
  func refusedNumber() throws {
    let error = try refusal("[outbox]\nmax_age_hours = 0\n") { table throws(ConfigError) in
      _ = try table.table("outbox")?.double("max_age_hours", .positive(atMost: 87_600, "ten years"))
    }
    #expect(error == "agent.toml:2: `outbox.max_age_hours` must be positive, at most 87600 (ten years)")
    let integer = try refusal("retries = 11\n") { table throws(ConfigError) in
      _ = try table.int("retries", .within(0...10), default: 2)
    }
    #expect(integer == "agent.toml:1: `retries` must be 0…10")
  }

  @Test("an absent key gives the default (or nil); a required one is refused in the rule's words")
  func absentKey() throws {
    let empty = try table("")
    #expect(try empty.double("speed", .within(1...100_000), default: 1) == 1)
    #expect(try empty.double("speed", .within(1...100_000)) == nil)
    #expect(try table("speed = 600").double("speed", .within(1...100_000), default: 1) == 600)
    let error = try refusal("") { table throws(ConfigError) in
      _ = try table.requiredDouble("days", .positive(atMost: 90).saying("must be more than 0 and at most 90"))
    }
    #expect(error == "agent.toml: `days` must be more than 0 and at most 90")
  }
}
