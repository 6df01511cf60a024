/// `seq_reset`: a probe's publisher numbered again from below without announcing a new install (`inc`), so samples
/// with numbers already stored, and other content, were refused (`seq_reused` in quarantine) rather than stored
/// (docs/alert-rules.md, "Sequence resets"). A warning, opened once per probe while it stays open, not per message,
/// and resolved by the probe's next sample stored as new (numbered above every stored one, or of a new install).
public enum SequenceResetRule {
  /// The alert a refused payload opens for the probe of `key` at `now` (the collector's clock), naming the first
  /// number used again.
  public static func opening(key: SensorKey, seq: Int64, now: Timestamp) -> AlertEvent {
    AlertEvent(
      type: .opened, key: key, kind: .seqReset, severity: .warning, productID: "-", at: now, limit: nil,
      value: Double(seq), peak: nil,
      message: "\(key.site)/\(key.sensor) is numbered again from seq \(seq) with new readings: they are kept in "
        + "quarantine (seq_reused), not stored; give the publisher a new inc or continue its numbering")
  }

  /// The resolution when a new sample of the probe of `key`, at `ts`, is stored again.
  public static func resolution(key: SensorKey, at ts: Timestamp) -> AlertEvent {
    AlertEvent(
      type: .resolved, key: key, kind: .seqReset, severity: .warning, productID: "-", at: ts, limit: nil, value: nil,
      peak: nil,
      message: "\(key.site)/\(key.sensor) stores new readings again from \(ts.rfc3339); the readings numbered again "
        + "stay in quarantine (seq_reused)")
  }
}
