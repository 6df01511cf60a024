import ArgumentParser

#if canImport(Glibc)
  import Glibc
#endif

/// Bad usage or bad input: one line on stderr and exit status 2 (SPEC "Exit status").
public struct UsageError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Runs a command-line program with ColdTrace's exit-status contract: 0 success, 1 runtime failure, 2 bad usage or
/// bad input, each failure explained in one line on stderr.
public enum CommandMain {
  public static func run<Command: ParsableCommand>(_ type: Command.Type, programName: String) -> Never {
    let status: Int32
    do {
      try checkArgumentsAreUTF8()
      var command = try type.parseAsRoot()
      try command.run()
      status = 0
    } catch let error as UsageError {
      status = fail(programName, error.description, 2)
    } catch let error as ConfigError {
      status = fail(programName, error.description, 2)
    } catch {
      let code = type.exitCode(for: error)
      if code == .success {
        print(type.fullMessage(for: error))
        status = 0
      } else if code == .validationFailure {
        status = fail(programName, type.message(for: error), 2)
      } else if let exitCode = error as? ExitCode {
        status = exitCode.rawValue
      } else {
        status = fail(programName, type.message(for: error), 1)
      }
    }
    fflush(nil)
    exit(status)
  }

  /// Refuses an argument that is not UTF-8: Swift would read it with U+FFFD in place of the bad bytes, so an id, a
  /// name or a path would silently become another one.
  static func checkArgumentsAreUTF8() throws(UsageError) {
    for index in 1..<Int(CommandLine.argc) {
      guard let argument = CommandLine.unsafeArgv[index] else { continue }
      let bytes = UnsafeRawBufferPointer(start: argument, count: strlen(argument))
      if String(validating: bytes, as: UTF8.self) == nil {
        throw UsageError("argument \(index) is not UTF-8 text")
      }
    }
  }

  private static func fail(_ program: String, _ message: String, _ status: Int32) -> Int32 {
    let line = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? message
    StandardError.write("\(program): \(line)\n")
    return status
  }
}

/// Unbuffered writes to file descriptor 2 (the C `stderr` global is not concurrency-safe in Swift 6).
public enum StandardError {
  public static func write(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
      if written <= 0 { return }
      bytes = bytes.dropFirst(written)
    }
  }
}
