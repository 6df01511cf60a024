import Foundation
import TestSupport
import Testing

extension FaultSuite {
  /// The collector, then the agent, killed with SIGKILL mid-stream and started again.
  @Suite struct ProcessKillFaultTests {
    @Test func collectorKilledAndRestarted() throws {
      let run = try FaultRun("collector SIGKILL + restart")
      defer { run.stop() }
      try run.startCollector()
      let agent = try run.startAgent()
      defer { agent.stop() }
      #expect(run.waitUntilStored(atLeast: 40), "nothing arrived before the fault")
      run.facility.killCollector()
      #expect(run.stored < FaultRun.rounds, "every sample arrived before the fault; nothing was tested")
      Thread.sleep(forTimeInterval: 1)
      try run.startCollector()
      #expect(agent.wait(seconds: 90), "the agent did not finish and drain")
      #expect(agent.exitStatus == 0)
      #expect(run.waitUntilStored(atLeast: FaultRun.rounds))
      run.facility.stopCollector()
      let result = try run.measure(expected: .doorAlert)
      result.report()
      result.expectNothingLostOrRepeated()
    }

    /// The agent loses its link after 40 samples, plays the rest of the excursion into its outbox, and is killed with
    /// SIGKILL holding unconfirmed samples (some perhaps in libmosquitto's memory, gone with it). Started again, live,
    /// for 20 more samples: it re-sends the backlog and numbers on from where it was. Known issue: the excursion's
    /// alert, which is in the backlog, can be lost (see the comment at the end).
    @Test func agentKilledAndRestarted() throws {
      let run = try FaultRun("agent SIGKILL + restart")
      defer { run.stop() }
      try run.startCollector()
      let link = try LoopbackProxy(targetPort: run.broker.port)
      defer { link.stop() }
      let first = try run.startAgent(arguments: ["--broker", link.url])
      defer { first.stop() }
      #expect(run.waitUntilStored(atLeast: 40), "nothing arrived before the fault")
      link.cut()
      // The played-back room lasts about 12 s; let it finish into the outbox.
      Thread.sleep(forTimeInterval: max(0, 14 - Date().timeIntervalSince(run.started)))
      first.kill()
      let storedAtKill = run.stored
      #expect(storedAtKill < FaultRun.rounds, "every sample arrived before the kill; nothing was tested")
      try link.restore()
      let second = try run.facility.startAgent(
        sensor: FaultRun.sensor, samples: 20, interval: 0.25, arguments: ["--broker", link.url])
      defer { second.stop() }
      #expect(second.wait(seconds: 90), "the restarted agent did not finish and drain")
      #expect(second.exitStatus == 0)
      #expect(run.waitUntilStored(atLeast: 40 + 20))
      run.facility.stopCollector()
      let result = try run.measure(expected: .doorAlert)
      result.report()
      // The restarted agent sends its backlog before any new sample (OutboxSender keeps each probe's seq order), so
      // the engine sees the excursion in event-time order and raises its alert.
      result.expectNothingLostOrRepeated(atLeast: 40 + 20)
      let agentLog = try String(contentsOf: run.facility.agentLog(), encoding: .utf8)
      #expect(!agentLog.contains("samples wait in the outbox"), "the restarted agent exited with unconfirmed samples")
      print("agent kill: \(storedAtKill) stored when the agent was killed")
    }
  }
}
