import ColdTraceSystem
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceMQTT

#if canImport(Glibc)
  import Glibc
#endif

/// A round's publishes wake the network thread once (`MosquittoClient.publishingTogether`, `PublishWakeUp`), and
/// leave corked in one burst.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct PublishTogetherTests {
  /// The bytes waiting in the pipe: one per signal.
  static func signals(in pipe: WakeUpPipe) -> Int {
    var buffer = [UInt8](repeating: 0, count: 64)
    var count = 0
    while true {
      let got = read(pipe.readEnd, &buffer, buffer.count)
      guard got > 0 else { return count }
      count += got
    }
  }

  @Test func packetsQueuedTogetherSignalTheNetworkThreadOnceWhenTheBatchCloses() throws {
    let pipe = try #require(WakeUpPipe())
    let wakeUp = PublishWakeUp(pipe: pipe)
    wakeUp.together {
      for _ in 0..<10 { wakeUp.packetQueued() }
      #expect(Self.signals(in: pipe) == 0, "nothing signalled while the batch is open")
    }
    #expect(Self.signals(in: pipe) == 1)
    #expect(wakeUp.takeQueued() == 10, "the network thread learns that 10 packets wait: it corks their writes")
    #expect(wakeUp.takeQueued() == 0)
  }

  @Test func aPacketOutsideABatchSignalsAtOnceAndAnEmptyBatchNotAtAll() throws {
    let pipe = try #require(WakeUpPipe())
    let wakeUp = PublishWakeUp(pipe: pipe)
    wakeUp.packetQueued()
    #expect(Self.signals(in: pipe) == 1)
    wakeUp.together {}
    #expect(Self.signals(in: pipe) == 0)
  }

  @Test func aBatchThatThrowsStillSignalsWhatItQueued() throws {
    struct Failure: Error {}
    let pipe = try #require(WakeUpPipe())
    let wakeUp = PublishWakeUp(pipe: pipe)
    #expect(throws: Failure.self) {
      try wakeUp.together {
        wakeUp.packetQueued()
        throw Failure()
      }
    }
    #expect(Self.signals(in: pipe) == 1, "the packet queued before the throw still leaves")
  }

  /// Against a real broker: a batch of 10 QoS 1 publishes arrives whole and in order, each acknowledged, and the
  /// socket the burst went out on is not left corked (a corked socket would hold back the next PUBACK or PINGREQ).
  @Test func aBatchArrivesWholeAndInOrderAndTheSocketIsUncorked() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let inbox = Inbox()
    let subscriber = try Self.client("together-sub", broker, onMessage: inbox.receive)
    try subscriber.subscribe("round/#")
    subscriber.start()
    defer { subscriber.stop() }
    #expect(eventually { subscriber.isSubscribed })
    let publisher = try Self.client("together-pub", broker)
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })
    let accepted = Atomic<Int>(0)
    for round in 0..<3 {
      try publisher.publishingTogether {
        for probe in 0..<10 {
          try publisher.publish(topic: "round/p\(probe)", payload: Array("r\(round)p\(probe)".utf8)) { outcome in
            if case .accepted = outcome { accepted.add(1, ordering: .relaxed) }
          }
        }
      }
    }
    #expect(eventually { inbox.count == 30 })
    #expect(inbox.texts == (0..<3).flatMap { round in (0..<10).map { "r\(round)p\($0)" } })
    #expect(eventually { accepted.load(ordering: .relaxed) == 30 })
    #expect(eventually { publisher.socketIsCorked == false })
    #expect(publisher.unacknowledgedCount == 0)
  }

  static func client(
    _ id: String, _ broker: MosquittoBroker, onMessage: MosquittoClient.MessageHandler? = nil
  ) throws -> MosquittoClient {
    var options = ClientOptions(clientID: id, broker: try BrokerAddress(url: broker.url))
    options.reconnectDelayMin = 0.1
    return try MosquittoClient(options: options, onMessage: onMessage)
  }
}
