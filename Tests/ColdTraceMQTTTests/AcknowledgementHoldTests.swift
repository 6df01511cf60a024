import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ColdTraceMQTT

/// `ReceivedMessage.holdAcknowledgement`: a QoS 1 message's PUBACK, and everything the client writes after it, leave
/// only once every hold is released; the broker's log says when it received them.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AcknowledgementHoldTests {
  @Test func heldPUBACKsAndLaterPublishesLeaveOnlyWhenEveryHoldIsReleased() throws {
    let broker = try MosquittoBroker(extraConfig: "log_type debug\n")
    defer { broker.stop() }
    let holds = Mutex<[AcknowledgementHold]>([])
    let held = Atomic<Int>(0)
    let waited = Atomic<Int>(0)
    var options = ClientOptions(clientID: "holder", broker: try BrokerAddress(url: broker.url))
    options.receiveMaximum = 100  // more than libmosquitto's 20 ahead of our PUBACKs
    let subscriber = try MosquittoClient(options: options) { message in
      guard let hold = message.holdAcknowledgement() else { return }
      holds.withLock { $0.append(hold) }
      held.add(1, ordering: .sequentiallyConsistent)
    }
    subscriber.whileAcknowledgementsHeld { waited.add(1, ordering: .sequentiallyConsistent) }
    try subscriber.subscribe("held/#")
    subscriber.start()
    defer { subscriber.stop() }
    #expect(eventually { subscriber.isSubscribed })
    let publisher = try MosquittoClient(
      options: ClientOptions(clientID: "pub", broker: try BrokerAddress(url: broker.url)))
    publisher.start()
    defer { publisher.stop() }
    for index in 0..<50 { try publisher.publish(topic: "held/\(index)", payload: [UInt8(index)]) }

    #expect(eventually { held.load(ordering: .sequentiallyConsistent) == 50 }, "the broker sent only 20 ahead")
    #expect(waited.load(ordering: .sequentiallyConsistent) > 0, "the network thread never said it waits")
    try subscriber.publish(topic: "from-holder", payload: [1])
    Thread.sleep(forTimeInterval: 0.5)
    let log = { (try? String(contentsOf: broker.logFile, encoding: .utf8)) ?? "" }
    #expect(!log().contains("Received PUBACK from holder"), "a PUBACK left while its message was held")
    #expect(!log().contains("Received PUBLISH from holder"), "a publish overtook the held PUBACKs")

    let taken = holds.withLock { $0 }
    for hold in taken.dropLast() { hold.release() }
    Thread.sleep(forTimeInterval: 0.3)
    #expect(!log().contains("Received PUBACK from holder"), "PUBACKs left while one hold was still taken")
    taken.last?.release()
    #expect(eventually { log().components(separatedBy: "Received PUBACK from holder").count - 1 == 50 })
    #expect(eventually { log().contains("Received PUBLISH from holder") })
  }

  /// A QoS 0 message has no PUBACK to hold.
  @Test func aQoS0MessageHasNoHold() throws {
    let broker = try MosquittoBroker()
    defer { broker.stop() }
    let holds = Mutex<[Bool]>([])
    let subscriber = try MosquittoClient(
      options: ClientOptions(clientID: "sub0", broker: try BrokerAddress(url: broker.url))
    ) { message in
      holds.withLock { $0.append(message.holdAcknowledgement() != nil) }
    }
    try subscriber.subscribe("zero", qos: .atMostOnce)
    subscriber.start()
    defer { subscriber.stop() }
    #expect(eventually { subscriber.isSubscribed })
    let publisher = try MosquittoClient(
      options: ClientOptions(clientID: "pub0", broker: try BrokerAddress(url: broker.url)))
    publisher.start()
    defer { publisher.stop() }
    #expect(eventually { publisher.isConnected })
    try publisher.publish(topic: "zero", payload: [1], qos: .atMostOnce)
    #expect(eventually { holds.withLock { $0 } == [false] })
  }
}
