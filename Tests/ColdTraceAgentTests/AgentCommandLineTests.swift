import Foundation
import TestSupport
import Testing

/// `coldtrace-agent`'s own command line (it does without ArgumentParser): help, version, and ArgumentParser's messages
/// and exit statuses for bad usage.
@Suite("coldtrace-agent command line")
struct AgentCommandLineTests {
  private let agent = Executables.product("coldtrace-agent")

  @Test(
    "shows help for the program and each command, exit 0",
    arguments: [
      ([], "USAGE: coldtrace-agent <subcommand>"), (["--help"], "USAGE: coldtrace-agent <subcommand>"),
      (["help"], "SUBCOMMANDS:\n  run "), (["help", "unknown"], "USAGE: coldtrace-agent <subcommand>"),
      (
        ["help", "run"], "USAGE: coldtrace-agent run --config <path> [--broker <mqtt://[user[:password]@]host[:port]>]"
      ),
      (["run", "-h"], "  --drain-seconds <drain-seconds>\n"),
      (["run", "--config", "x", "--help"], "(default: 10.0)"),
      (["check-config", "--help"], "USAGE: coldtrace-agent check-config --config <path>\n"),
      (["probe", "-h"], "USAGE: coldtrace-agent probe [--sysfs-root <dir>] [--config <path>]\n"),
    ])
  func help(_ arguments: [String], _ expected: String) throws {
    let result = try Executables.run(agent, arguments)
    #expect(result.status == 0)
    #expect(result.stdout.contains(expected), "\(result.stdout)")
    #expect(result.stdout.hasPrefix("OVERVIEW: "))
    #expect(result.stderr.isEmpty)
  }

  @Test(
    "--version prints the version wherever it is", arguments: [["--version"], ["run", "--config", "x", "--version"]])
  func version(_ arguments: [String]) throws {
    let result = try Executables.run(agent, arguments)
    #expect(result.status == 0)
    #expect(
      result.stdout.range(of: #"^\d+\.\d+\.\d+ \(commit [0-9A-Za-z.-]+\)\n$"#, options: .regularExpression) != nil,
      "\(result.stdout)")
  }

  @Test(
    "refuses bad usage in one line on stderr, exit 2",
    arguments: [
      (["frobnicate"], "Unexpected argument 'frobnicate'"), (["--bogus"], "Unknown option '--bogus'"),
      (["run"], "Missing expected argument '--config <path>'"),
      (["run", "--config"], "Missing value for '--config <path>'"),
      (["check-config", "--config", "-x"], "Missing value for '--config <path>'"),
      (["run", "--config", "a.toml", "--samples", "abc"], "The value 'abc' is invalid for '--samples <samples>'"),
      (
        ["run", "--config", "a.toml", "--drain-seconds=x"],
        "The value 'x' is invalid for '--drain-seconds <drain-seconds>'"
      ),
      (["run", "--config", "a.toml", "--bogus=1"], "Unknown option '--bogus'"),
      (["run", "--config", "a.toml", "extra"], "Unexpected argument 'extra'"),
      (["check-config", "--config", "a.toml", "--sysfs-root", "x"], "Unknown option '--sysfs-root'"),
      (["probe", "extra"], "Unexpected argument 'extra'"),
      (["check-config", "--config", "/nonexistent/a.toml"], "config file /nonexistent/a.toml does not exist"),
      (["check-config", "--config", "/nonexistent/first.toml", "--config=/nonexistent/last.toml"], "last.toml"),
    ])
  func badUsage(_ arguments: [String], _ expected: String) throws {
    let result = try Executables.run(agent, arguments)
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("coldtrace-agent: "), "\(result.stderr)")
    #expect(result.stderr.contains(expected), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
  }
}
