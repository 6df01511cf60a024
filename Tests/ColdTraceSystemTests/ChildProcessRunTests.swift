import ColdTraceSystem
import Foundation
import Testing

/// `ChildProcess.run`: a program run to completion with bytes on its standard input, its output captured up to a
/// limit, and a timeout that kills it with its process group.
struct ChildProcessRunTests {
  private func shell(
    _ script: String, input: [UInt8]? = nil, timeout: Double = 10, captureLimit: Int = 64 * 1024
  ) -> ChildProcess.Outcome {
    ChildProcess.run(["/bin/sh", "-c", script], input: input, timeoutSeconds: timeout, captureLimit: captureLimit)
  }

  @Test func capturesBothOutputsAndTheExitStatus() {
    #expect(
      shell("echo out; echo err >&2; exit 3")
        == .finished(.exited(3), output: Array("out\n".utf8), errors: Array("err\n".utf8)))
    #expect(shell("kill -9 $$") == .finished(.signalled(9), output: [], errors: []))
  }

  @Test func feedsTheInputOnStandardInput() {
    #expect(
      shell("cat", input: Array("a\nb\n".utf8)) == .finished(.exited(0), output: Array("a\nb\n".utf8), errors: []))
    #expect(shell("cat") == .finished(.exited(0), output: [], errors: []), "no input: /dev/null")
    // Far more than a pipe holds, both ways at once: neither side may block the other.
    let large = (0..<2_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
    #expect(shell("cat", input: large, captureLimit: 4_000_000) == .finished(.exited(0), output: large, errors: []))
  }

  @Test func aProgramThatIgnoresItsInputDoesNotEndTheCaller() {
    // Writing to a pipe nobody reads raises SIGPIPE, which would end the test process if it were not blocked.
    let large = [UInt8](repeating: 65, count: 1_000_000)
    #expect(shell("exit 0", input: large) == .finished(.exited(0), output: [], errors: []))
  }

  @Test func outputPastTheLimitIsReadAndDropped() {
    guard case .finished(let status, let output, _) = shell("head -c 1000000 /dev/zero", captureLimit: 65_536) else {
      Issue.record("did not finish")
      return
    }
    #expect(status == .exited(0), "the program was never blocked on a full pipe")
    #expect(output.count == 65_536)
  }

  @Test func theTimeoutKillsTheProgramWithItsProcessGroup() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("childprocess-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let pidFile = directory.appendingPathComponent("pid").path
    let started = Date()
    #expect(shell("sleep 30 & echo $! > '\(pidFile)'; wait", timeout: 0.5) == .timedOut)
    #expect(Date().timeIntervalSince(started) < 5)
    let text = try String(contentsOfFile: pidFile, encoding: .utf8)
    let background = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(waitUntilGone(background), "the program's background child was killed with it")
  }

  @Test func aBackgroundChildHoldingTheOutputIsNotWaitedFor() throws {
    let started = Date()
    guard case .finished(.exited(0), let output, _) = shell("sleep 30 & echo $!") else {
      Issue.record("did not finish")
      return
    }
    #expect(Date().timeIntervalSince(started) < 5)
    let background = try #require(pid_t(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .newlines)))
    kill(background, SIGKILL)
  }

  @Test func aMissingProgramFailsToStart() {
    #expect(
      ChildProcess.run(["/nonexistent/program"], timeoutSeconds: 1) == .failedToStart("No such file or directory"))
    #expect(ChildProcess.run([], timeoutSeconds: 1) == .failedToStart("no program given"))
  }

  @Test func theFirstLineIsTrimmedAndBounded() {
    #expect(ChildProcess.firstLine(Array("\n  boom: no route \r\nmore\n".utf8)) == "boom: no route")
    #expect(ChildProcess.firstLine(Array(" \n".utf8)) == nil)
    #expect(ChildProcess.firstLine([]) == nil)
    #expect(ChildProcess.firstLine(Array(String(repeating: "x", count: 200).utf8), limit: 10) == "xxxxxxxxxx…")
  }

  /// Whether the process has ended (gone, or a zombie waiting for its new parent) within a few seconds.
  private func waitUntilGone(_ pid: pid_t) -> Bool {
    for _ in 0..<100 {
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
      if let state = stat.split(separator: ")").last?.split(separator: " ").first, state == "Z" { return true }
      usleep(50_000)
    }
    return false
  }
}
