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
          ? .data(source: 0, captures: ["room": "cold1"], device: "d", key: Self.key) : .unmapped
      }
    }
    guard case .data(0, ["room": "cold1"], "d", Self.key) = route("farm/cold1/p1") else {
      Issue.record("farm/cold1/p1 is source 0's")
      return
    }
    _ = route("farm/cold1/p1")
    guard case .unmapped = route("other/x") else {
      Issue.record("other/x matches no source")
      return
    }
    #expect(resolved == ["farm/cold1/p1", "other/x"])
    _ = route("farm/cold1/p2")  // the third topic: the cache starts over
    _ = route("farm/cold1/p1")
    #expect(resolved == ["farm/cold1/p1", "other/x", "farm/cold1/p2", "farm/cold1/p1"])
  }
}
