import ColdRoomSimulation
import ColdTraceCore
import ColdTraceMQTT
import ColdTraceSystem
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceAgent

/// `AgentRunner` at rest: it sleeps until the next thing due and is woken by what arrives, never on a fixed polling
/// interval. On the manual clock every wait is counted (`ManualClock.waitCount`) and scripted actions wake it at their
/// own time, so each test shows both when the agent woke and that the guarantees (order, durability, re-send after
/// the timeout, prompt stop) hold.
@Suite(.timeLimit(.minutes(10)))
struct AgentRunnerWakeUpTests {
  static func configuration(stateDirectory: String, probes: Int, interval: Double) -> AgentConfiguration {
    var configuration = AgentRunnerHarnessTests.configuration(stateDirectory: stateDirectory)
    configuration.intervalSeconds = interval
    configuration.sensors = (1...probes).map { number in
      let id = "p\(number)"
      return SensorConfiguration(id: id, room: "cold1", driver: SimulatedDriver.name) { context in
        SimulatedSensor(id: id, room: "cold1", model: SimpleColdRoom(start: context.start))
      }
    }
    return configuration
  }

  static let ackTopic = Topics.ack(site: "hx", agent: "edge-1")

  static func acknowledgement(probes: Int, upTo seq: Int) -> String {
    let sensors = (1...probes).map { #""p\#($0)":\#(seq)"# }.joined(separator: ",")
    return #"{"sensors":{\#(sensors)}}"#
  }

  @Test func tenProbesEveryMinuteWakeItAboutTwiceARoundNotAHundredTimesASecond() throws {
    let directory = try TemporaryDirectory.make(prefix: "wake-rest").path
    let transport = InMemoryTransport()
    transport.acknowledgesAutomatically = true
    let clock = ManualClock()
    clock.at(elapsed: 0) { transport.connect() }
    // The collector confirms each round half a second after it was taken.
    for round in 0..<10 {
      clock.at(elapsed: Double(round) * 60 + 0.5) {
        transport.deliver(topic: Self.ackTopic, text: Self.acknowledgement(probes: 10, upTo: round + 1))
      }
    }
    let runner = AgentRunner(
      configuration: Self.configuration(stateDirectory: directory, probes: 10, interval: 60),
      logger: Logger(label: "wake-test"), transport: transport.factory, clock: clock)
    try runner.run(maxSamples: 10, drainSeconds: 60) { false }

    let readings = transport.publications(matching: "coldtrace/v1/reading/hx/cold1/+")
    #expect(readings.count == 100, "every sample sent once, live")
    #expect(try Outbox(directory: directory).pendingCount == 0)
    #expect(clock.sleepCount == 0, "no fixed sleep anywhere in the loop")
    // Ten minutes: a wake for each round and one for each acknowledgement (the connect's at t = 0 and the last
    // round's end of drain share theirs). The polling loop before made 100 passes a second: about 54,000 here.
    #expect(clock.waitCount <= 22, "waits: \(clock.waitCount)")
    #expect(clock.elapsedSeconds == 540.5, "stopped when the collector confirmed the last round")
  }

  @Test func anAcknowledgementWakesItAtOnceAndTheSamplesLeaveTheOutboxThen() throws {
    let directory = try TemporaryDirectory.make(prefix: "wake-ack").path
    let transport = InMemoryTransport()
    transport.acknowledgesAutomatically = true
    let clock = ManualClock()
    clock.at(elapsed: 0) { transport.connect() }
    clock.at(elapsed: 7.25) {
      transport.deliver(topic: Self.ackTopic, text: Self.acknowledgement(probes: 2, upTo: 1))
    }
    let runner = AgentRunner(
      configuration: Self.configuration(stateDirectory: directory, probes: 2, interval: 60),
      logger: Logger(label: "wake-test"), transport: transport.factory, clock: clock)
    try runner.run(maxSamples: 1, drainSeconds: 50) { false }

    #expect(try Outbox(directory: directory).pendingCount == 0)
    #expect(clock.elapsedSeconds == 7.25, "woken by the acknowledgement itself, not by a timeout or a poll")
  }

  /// 10 probes every second: the collector confirms each round 0.1 s after it, and the sampling thread reads that at
  /// the next round instead of waking for it (a pass a round, which cost it a sixth of its CPU). Only the drain at
  /// the end waits for confirmations, and is woken by the last one.
  @Test func anAcknowledgementBetweenRoundsWaitsForTheNextRoundWithoutAWakeUp() throws {
    let directory = try TemporaryDirectory.make(prefix: "wake-next-round").path
    let transport = InMemoryTransport()
    transport.acknowledgesAutomatically = true
    let clock = ManualClock()
    clock.at(elapsed: 0) { transport.connect() }
    for round in 0..<20 {
      clock.at(elapsed: Double(round) + 0.1) {
        transport.deliver(topic: Self.ackTopic, text: Self.acknowledgement(probes: 10, upTo: round + 1))
      }
    }
    let runner = AgentRunner(
      configuration: Self.configuration(stateDirectory: directory, probes: 10, interval: 1),
      logger: Logger(label: "wake-test"), transport: transport.factory, clock: clock)
    try runner.run(maxSamples: 20, drainSeconds: 10) { false }

    #expect(transport.publications(matching: "coldtrace/v1/reading/hx/cold1/+").count == 200, "each sent once")
    #expect(try Outbox(directory: directory).pendingCount == 0, "every confirmation applied")
    // A wait per round (20), the connect's, the pass after the last round and the drain's, which the last
    // confirmation ends. Woken for each confirmation, it made 20 waits more.
    #expect(clock.waitCount <= 23, "waits: \(clock.waitCount)")
    #expect(clock.elapsedSeconds == 19.1, "the drain ended at the last confirmation, not at its deadline")
  }

  @Test func whatTheCollectorDoesNotConfirmIsSentAgainAtTheTimeoutNotAtTheNextRound() throws {
    let directory = try TemporaryDirectory.make(prefix: "wake-resend").path
    var configuration = Self.configuration(stateDirectory: directory, probes: 2, interval: 60)
    configuration.acknowledgementTimeoutSeconds = 30
    let transport = InMemoryTransport()
    transport.acknowledgesAutomatically = true
    let clock = ManualClock()
    let counts = Mutex<[Double: Int]>([:])
    for elapsed in [29.9, 30.1, 44.9] {
      clock.at(elapsed: elapsed) {
        let sent = transport.publications(matching: "coldtrace/v1/reading/hx/cold1/+").count
        counts.withLock { $0[elapsed] = sent }
      }
    }
    clock.at(elapsed: 0) { transport.connect() }
    let runner = AgentRunner(
      configuration: configuration, logger: Logger(label: "wake-test"), transport: transport.factory, clock: clock)
    try runner.run(maxSamples: 1, drainSeconds: 45) { false }

    #expect(counts.withLock { $0 } == [29.9: 2, 30.1: 4, 44.9: 4], "re-sent once, just past the 30 s timeout")
    let seqs = try transport.publications(matching: "coldtrace/v1/reading/hx/cold1/p1").map {
      try ReadingDecoder.decode(topic: $0.topic, payload: $0.payload, now: clock.now()).get().samples.compactMap(\.seq)
    }
    #expect(seqs == [[1], [1]], "the same sample again, in order")
    #expect(try Outbox(directory: directory).pendingCount == 2, "still kept: nothing confirmed it")
    #expect(clock.waitCount <= 7, "waits: \(clock.waitCount): the round, the connect, the re-send, the drain's end")
  }

  @Test func aBacklogWaitingForItsWindowIsWokenByThePUBACKs() throws {
    let directory = try TemporaryDirectory.make(prefix: "wake-window").path
    let transport = InMemoryTransport()
    let clock = ManualClock()
    let counts = Mutex<[Double: Int]>([:])
    for elapsed in [5.5, 6.5] {
      clock.at(elapsed: elapsed) {
        let sent = transport.publications(matching: "coldtrace/v1/reading/hx/cold1/+").count
        counts.withLock { $0[elapsed] = sent }
      }
    }
    // 1,050 probes sampled at t = 0 while offline: 1,050 one-sample batches. The sender reads the outbox 1,000 records
    // at a time and sends a read's batches while fewer than 32 wait for their PUBACK: 1,000 at the connect, the rest
    // once PUBACKs make room.
    clock.at(elapsed: 5) { transport.connect() }
    clock.at(elapsed: 6) { transport.acknowledgeAll() }
    let runner = AgentRunner(
      configuration: Self.configuration(stateDirectory: directory, probes: 1050, interval: 60),
      logger: Logger(label: "wake-test"), transport: transport.factory, clock: clock)
    try runner.run(maxSamples: 1, drainSeconds: 10) { false }

    #expect(counts.withLock { $0 } == [5.5: 1000, 6.5: 1050], "the rest went when the PUBACKs made room, at t = 6")
  }

  @Test func aStopWakesItAtOnceInTheMiddleOfAMinuteLongWait() throws {
    let directory = try TemporaryDirectory.make(prefix: "wake-stop").path
    let transport = InMemoryTransport()
    transport.acknowledgesAutomatically = true
    transport.connect()
    let runner = AgentRunner(
      configuration: Self.configuration(stateDirectory: directory, probes: 2, interval: 60),
      logger: Logger(label: "wake-test"), transport: transport.factory, clock: SystemClock())
    let stop = StopFlag(waking: runner.wakeUp)
    let started = MonotonicClock.seconds()
    Thread.detachNewThread {
      usleep(300_000)
      stop.set()
    }
    try runner.run { stop.isSet }
    let seconds = MonotonicClock.seconds() - started
    #expect(seconds >= 0.3 && seconds < 0.6, "stopped \(seconds - 0.3) s after the stop, not at the next round")
    #expect(transport.publications(matching: "coldtrace/v1/reading/hx/cold1/+").count == 2)
  }
}
