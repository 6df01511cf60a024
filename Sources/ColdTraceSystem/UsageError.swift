#if canImport(Glibc)
  import Glibc
#endif

/// Bad usage or bad input: one line on stderr and exit status 2 (docs/protocol.md, "Exit status").
public struct UsageError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }

  /// Refuses an argument that is not UTF-8: Swift would read it with U+FFFD in place of the bad bytes, so an id, a
  /// name or a path would silently become another one.
  public static func checkArgumentsAreUTF8() throws(UsageError) {
    for index in 1..<Int(CommandLine.argc) {
      guard let argument = CommandLine.unsafeArgv[index] else { continue }
      let bytes = UnsafeRawBufferPointer(start: argument, count: strlen(argument))
      if String(validating: bytes, as: UTF8.self) == nil {
        throw UsageError("argument \(index) is not UTF-8 text")
      }
    }
  }
}
