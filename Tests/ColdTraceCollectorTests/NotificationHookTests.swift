import Foundation
import Logging
import Testing

@testable import ColdTraceCollector

/// The operator's notification program: grouped per room, fed JSON lines on stdin, bounded by a timeout.
struct NotificationHookTests {
  private func outputFile() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("coldtrace-notify-\(UUID().uuidString).txt")
  }

  private func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition() { return true }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
  }

  @Test func eventsOfOneRoomWithinTheWindowAreOneRunWithEveryLineOnStdin() throws {
    let output = outputFile()
    var settings = NotificationHook.Settings(command: [
      "/bin/sh", "-c", "echo RUN >> '\(output.path)'; cat >> '\(output.path)'",
    ])
    settings.groupingSeconds = 0.5
    let hook = NotificationHook(settings: settings, logger: Logger(label: "test"))
    hook.start()
    defer { hook.stop() }
    for sensor in 1...4 { hook.notify(room: "hongxuan/cold2", line: "{\"sensor\":\"p\(sensor)\"}") }
    hook.notify(room: "hongxuan/cold3", line: "{\"sensor\":\"q1\"}")
    #expect(waitFor(10) { hook.deliveries == 2 })
    let text = try String(contentsOf: output, encoding: .utf8)
    #expect(text.components(separatedBy: "RUN\n").count - 1 == 2, "one run per room, not one per event")
    #expect(text.split(separator: "\n").filter { $0.hasPrefix("{") }.count == 5)
  }

  @Test func aHangingProgramIsKilledAndAFailingOneRetriedWithoutBlockingTheCaller() throws {
    var settings = NotificationHook.Settings(command: ["/bin/sh", "-c", "sleep 30"])
    settings.groupingSeconds = 0
    settings.timeoutSeconds = 0.3
    settings.retries = 1
    let hook = NotificationHook(settings: settings, logger: Logger(label: "test"))
    hook.start()
    defer { hook.stop() }
    let started = Date()
    hook.notify(room: "hongxuan/cold2", line: "{}")
    #expect(Date().timeIntervalSince(started) < 0.1, "notify never waits for the program")
    #expect(waitFor(10) { hook.failures == 1 }, "killed at the timeout, retried once, then given up")
    #expect(hook.deliveries == 0)

    let output = outputFile()
    var flaky = NotificationHook.Settings(
      command: [
        "/bin/sh", "-c", "if [ -e '\(output.path)' ]; then cat > /dev/null; exit 0; fi; touch '\(output.path)'; exit 3",
      ])
    flaky.groupingSeconds = 0
    flaky.retries = 2
    let retried = NotificationHook(settings: flaky, logger: Logger(label: "test"))
    retried.start()
    defer { retried.stop() }
    retried.notify(room: "hongxuan/cold2", line: "{}")
    #expect(waitFor(10) { retried.deliveries == 1 }, "the second attempt succeeds")
  }

  @Test func aFailureNamesTheExitStatusAndTheFirstLineOfStandardError() {
    var settings = NotificationHook.Settings(command: [
      "/bin/sh", "-c", "cat > /dev/null; echo '  gateway refused: quota exceeded ' >&2; echo more >&2; exit 4",
    ])
    settings.timeoutSeconds = 10
    let hook = NotificationHook(settings: settings, logger: Logger(label: "test"))
    #expect(hook.run(input: Data("{}\n".utf8)) == "exited with status 4: gateway refused: quota exceeded")
    settings.command = ["/bin/sh", "-c", "cat > /dev/null"]
    #expect(NotificationHook(settings: settings, logger: Logger(label: "test")).run(input: Data("{}\n".utf8)) == nil)
    settings.command = ["/nonexistent/notify"]
    #expect(
      NotificationHook(settings: settings, logger: Logger(label: "test")).run(input: Data())
        == "cannot start /nonexistent/notify: No such file or directory")
  }
}
