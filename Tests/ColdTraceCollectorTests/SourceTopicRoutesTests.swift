import ColdTraceCore
import Testing

@testable import ColdTraceCollector

@Suite("Source topic routes")
struct SourceTopicRoutesTests {
  static let key = SensorKey(site: "hx", room: "cold1", sensor: "p1")

  @Test("a topic's patterns are matched once, and a full cache starts over")
  func resolvesOncePerTopic() {
    var routes = SourceTopicRoutes(capacity: 2)
    var resolved: [String] = []
    func route(_ topic: String) -> SourceTopicRoutes.Route {
      routes.route(of: topic) { topic in
        resolved.append(topic)
        return topic.hasPrefix("farm/")
          ? .data(source: 0, captures: ["room": "cold1"], device: "d", key: Self.key, memory: TopicProbeMemory())
          : .unmapped
      }
    }
    guard case .data(0, ["room": "cold1"], "d", Self.key, let memory) = route("farm/cold1/p1") else {
      Issue.record("farm/cold1/p1 is source 0's")
      return
    }
    memory.record(Self.key) { $0.deviceKnows = true }
    guard case .data(_, _, _, _, let again) = route("farm/cold1/p1"), again === memory else {
      Issue.record("a known topic keeps its probe memory")
      return
    }
    guard case .unmapped = route("other/x") else {
      Issue.record("other/x matches no source")
      return
    }
    #expect(resolved == ["farm/cold1/p1", "other/x"])
    _ = route("farm/cold1/p2")  // the third topic: the cache starts over
    guard case .data(_, _, _, _, let fresh) = route("farm/cold1/p1") else {
      Issue.record("farm/cold1/p1 is still source 0's")
      return
    }
    #expect(resolved == ["farm/cold1/p1", "other/x", "farm/cold1/p2", "farm/cold1/p1"])
    #expect(fresh !== memory && fresh.facts(of: Self.key) == TopicProbeMemory.Facts(), "resolved anew: recorded anew")
  }

  @Test("a topic's probe memory keeps each probe's facts apart, and at most its capacity of probes")
  func probeMemory() {
    let memory = TopicProbeMemory(capacity: 2)
    let other = SensorKey(site: "hx", room: "cold1", sensor: "p2")
    let moved = SensorKey(site: "hx", room: "cold2", sensor: "p1")
    #expect(memory.facts(of: Self.key) == TopicProbeMemory.Facts())
    memory.record(Self.key) { $0.deviceKnows = true }
    memory.record(Self.key) { $0.noted = true }
    memory.record(other) { $0.deviceKnows = true }
    memory.record(moved) { $0.deviceKnows = true }  // past capacity: not remembered
    #expect(memory.facts(of: Self.key) == TopicProbeMemory.Facts(deviceKnows: true, noted: true))
    #expect(memory.facts(of: other) == TopicProbeMemory.Facts(deviceKnows: true, noted: false))
    #expect(memory.facts(of: moved) == TopicProbeMemory.Facts(), "another room is another probe here")
  }
}
