import Foundation
import TestSupport
import Testing

extension FaultSuite {
  /// The broker goes away in the middle of a door excursion: stopped cleanly and started again, or killed with SIGKILL
  /// (persistence on; the collector's session is persistent: fixed client id, clean_session false, session expiry).
  @Suite struct BrokerFaultTests {
    @Test func brokerRestartedCleanly() throws {
      let run = try FaultRun("broker restarted cleanly")
      defer { run.stop() }
      try run.startCollector()
      let agent = try run.startAgent()
      defer { agent.stop() }
      #expect(run.waitUntilStored(atLeast: 40), "nothing arrived before the fault")
      #expect(run.stored < FaultRun.rounds, "every sample arrived before the fault; nothing was tested")
      try run.broker.restart()
      #expect(agent.wait(seconds: 90), "the agent did not finish and drain")
      #expect(agent.exitStatus == 0)
      #expect(run.waitUntilStored(atLeast: FaultRun.rounds))
      run.facility.stopCollector()
      let result = try run.measure(expected: .doorAlert)
      result.report()
      result.expectNothingLostOrRepeated()
    }

    @Test func brokerKilledWithPersistence() throws {
      let run = try FaultRun("broker SIGKILL (persistence on)")
      defer { run.stop() }
      try run.startCollector()
      let agent = try run.startAgent()
      defer { agent.stop() }
      #expect(run.waitUntilStored(atLeast: 40), "nothing arrived before the fault")
      #expect(run.stored < FaultRun.rounds, "every sample arrived before the fault; nothing was tested")
      run.broker.kill()
      Thread.sleep(forTimeInterval: 1)
      try run.broker.launch()
      #expect(agent.wait(seconds: 90), "the agent did not finish and drain")
      #expect(agent.exitStatus == 0)
      #expect(run.waitUntilStored(atLeast: FaultRun.rounds))
      run.facility.stopCollector()
      let result = try run.measure(expected: .doorAlert)
      result.report()
      result.expectNothingLostOrRepeated()
    }
  }
}
