/// A storage failure an operator can act on.
public struct StoreError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
