import ColdTraceCore

/// Per topic, what the `[[source]]`s make of it before its payload is read: an availability topic, one source's data
/// topic with its captures and device, or a topic no pattern matches. A sensor publishes on the same topic every
/// time, so the patterns are matched once per topic, not once per message (`SourceRouter.route`).
///
/// Bounded like `RepeatFilter`: a full cache starts over, so memory stays bounded whatever topics arrive.
struct SourceTopicRoutes {
  enum Route {
    /// A topic of some source's `availability` patterns (`SourceRouter.routeAvailability` reads it).
    case availability
    /// Source `source`'s data topic: its pattern's captures, the device it names (`DeviceAvailability.device`) and
    /// the key of its probe without an id (`SourceMapping.idlessKey`), and what was recorded once for the probes its
    /// readings named (`TopicProbeMemory`).
    case data(source: Int, captures: [String: String], device: String, key: SensorKey?, memory: TopicProbeMemory)
    /// No source's pattern matches it.
    case unmapped
  }

  private var routes: [String: Route] = [:]
  /// The last topic asked about and its route: a sensor's messages often come in a row, and comparing the topic
  /// costs less than hashing it.
  private var last: (topic: String, route: Route)?
  /// The most topics remembered.
  let capacity: Int

  init(capacity: Int = 10_000) { self.capacity = capacity }

  /// The route of `topic`, from `resolve` the first time.
  mutating func route(of topic: String, resolve: (String) -> Route) -> Route {
    if let last, last.topic == topic { return last.route }
    if let known = routes[topic] {
      last = (topic, known)
      return known
    }
    let route = resolve(topic)
    if routes.count >= capacity { routes.removeAll(keepingCapacity: true) }
    routes[topic] = route
    last = (topic, route)
    return route
  }
}
