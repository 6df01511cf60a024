import Testing

/// The fault suite (real processes, loopback only): every case runs alone, one after the other, since each one times
/// its faults against a played-back stream on a small machine. `scripts/fault-suite.sh` runs it and prints the table.
@Suite(.serialized, .timeLimit(.minutes(10)))
enum FaultSuite {}
