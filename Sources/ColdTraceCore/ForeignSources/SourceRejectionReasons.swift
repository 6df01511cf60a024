extension RejectionReason {
  /// Whether the reason is one of a `[[source]]` message's (a third-party publisher mapped by a preset), not of
  /// ColdTrace's own reading payload.
  public var isSourceMapping: Bool {
    switch self {
    case .unmappedTopic, .unmappedProbe, .noValue, .staleRetained, .badTime: return true
    default: return false
    }
  }
}
