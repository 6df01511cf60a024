import Foundation
import TestSupport
import Testing

extension FaultSuite {
  /// The agent's network link goes down (every connection closed, new ones refused) in the middle of a door excursion,
  /// for `COLDTRACE_FAULT_LINK_DOWN_SECONDS` (default 15 s; scripts/fault-suite.sh runs the real two minutes).
  @Suite struct LinkDownFaultTests {
    static var outageSeconds: Double {
      ProcessInfo.processInfo.environment["COLDTRACE_FAULT_LINK_DOWN_SECONDS"].flatMap(Double.init) ?? 15
    }

    @Test func linkDown() throws {
      let outage = Self.outageSeconds
      let run = try FaultRun("link down \(Int(outage)) s")
      defer { run.stop() }
      try run.startCollector()
      let link = try LoopbackProxy(targetPort: run.broker.port)
      defer { link.stop() }
      let agent = try run.startAgent(drainSeconds: outage + 60, arguments: ["--broker", link.url])
      defer { agent.stop() }
      #expect(run.waitUntilStored(atLeast: 40), "nothing arrived before the fault")
      link.cut()
      let storedAtCut = run.stored
      #expect(storedAtCut < FaultRun.rounds, "every sample arrived before the fault; nothing was tested")
      Thread.sleep(forTimeInterval: outage)
      let storedDuringOutage = run.stored - storedAtCut
      try link.restore()
      #expect(agent.wait(seconds: 120), "the agent did not finish and drain")
      #expect(agent.exitStatus == 0)
      #expect(run.waitUntilStored(atLeast: FaultRun.rounds))
      run.facility.stopCollector()
      let result = try run.measure(expected: .doorAlert)
      result.report()
      result.expectNothingLostOrRepeated()
      // A few samples may still have been on their way through the broker when the link went down; not many more.
      #expect(storedDuringOutage < 10, "readings kept arriving while the link was down: was it cut?")
      #expect(link.connectionsAccepted >= 2, "the agent never reconnected through the restored link")
    }
  }
}
