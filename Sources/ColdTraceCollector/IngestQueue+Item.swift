import ColdTraceCore
import ColdTraceMQTT

extension IngestQueue {
  struct Item: Sendable {
    var topic: String
    /// The raw bytes, kept for quarantine should the reading turn out to be unstorable.
    var payload: [UInt8]
    var reading: DecodedReading
    /// When the MQTT handler queued it: the start of its ingest latency (`CollectorMetrics`).
    var receivedAt = ContinuousClock.now
    /// Whether its publisher sends it again until the collector acknowledges it (an agent with an outbox); a
    /// third-party reading is not, so it is never deferred.
    var resendable = true
    /// Its PUBACK, held until it is committed (a third-party QoS 1 reading): released by the writer after the commit.
    var acknowledgement: AcknowledgementHold?
  }

  /// Work the network thread hands to the writer instead of writing itself (an agent status's rows): run by the
  /// writer before the readings queued after it (`takeRound`).
  typealias Chore = @Sendable () -> Void
}
