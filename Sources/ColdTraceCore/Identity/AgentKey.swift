/// An agent of a site, as its retained status names it.
public struct AgentKey: Hashable, Sendable {
  public var site: String
  public var agent: String

  public init(site: String, agent: String) {
    self.site = site
    self.agent = agent
  }
}
