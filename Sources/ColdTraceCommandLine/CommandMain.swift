import ArgumentParser
import ColdTraceConfig
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a command-line program with ColdTrace's exit-status contract: 0 success, 1 runtime failure, 2 bad usage or
/// bad input, each failure explained in one line on stderr.
///
/// In its own module, not in `ColdTraceSystem`, because ArgumentParser links FoundationEssentials, which the agent
/// (with a command line of its own) must not.
public enum CommandMain {
  public static func run<Command: ParsableCommand>(_ type: Command.Type, programName: String) -> Never {
    let status: Int32
    do {
      try UsageError.checkArgumentsAreUTF8()
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

  private static func fail(_ program: String, _ message: String, _ status: Int32) -> Int32 {
    StandardError.fail(program, message)
    return status
  }
}
