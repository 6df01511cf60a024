import Testing

@testable import ColdTraceCore

struct AgentPresenceRuleTests {
  private let t0 = Timestamp(seconds: 1_780_000_000)

  @Test func offlinePastTheGraceOpensOnceAndOnlineResolves() {
    let rule = AgentPresenceRule(graceSeconds: 120)
    var presence = AgentPresenceRule.Presence(online: false, since: t0)
    #expect(rule.evaluate(site: "hx", agent: "edge-1", presence: &presence, now: t0.adding(seconds: 120)) == nil)
    let opened = rule.evaluate(site: "hx", agent: "edge-1", presence: &presence, now: t0.adding(seconds: 121))
    #expect(opened?.kind == .agentOffline && opened?.type == .opened && opened?.key.sensor == "edge-1")
    #expect(rule.evaluate(site: "hx", agent: "edge-1", presence: &presence, now: t0.adding(seconds: 600)) == nil)
    presence.online = true
    presence.since = t0.adding(seconds: 700)
    let resolved = rule.evaluate(site: "hx", agent: "edge-1", presence: &presence, now: t0.adding(seconds: 701))
    #expect(resolved?.type == .resolved && resolved?.at == t0.adding(seconds: 700))
    #expect(rule.evaluate(site: "hx", agent: "edge-1", presence: &presence, now: t0.adding(seconds: 800)) == nil)
  }

  @Test func aRebootWithinTheGraceRaisesNothing() {
    let rule = AgentPresenceRule(graceSeconds: 120)
    var presence = AgentPresenceRule.Presence(online: false, since: t0)
    #expect(rule.evaluate(site: "hx", agent: "edge-1", presence: &presence, now: t0.adding(seconds: 60)) == nil)
    presence.online = true
    #expect(rule.evaluate(site: "hx", agent: "edge-1", presence: &presence, now: t0.adding(seconds: 200)) == nil)
  }
}
