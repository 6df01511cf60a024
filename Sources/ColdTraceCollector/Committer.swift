/// Who commits a group: that decides what a failure while stopping does, and what the tally counts.
enum Committer {
  /// The writer thread, a group from the queue (a batch in the tally). Its PUBACKs may have left already, so it keeps
  /// retrying while the collector stops, within `finish`'s 30 s: the agents send again whatever is not acknowledged.
  case writer
  /// The writer thread, one reading of a group that failed, committed again alone.
  case writerAlone
  /// The network thread, a group of one before its PUBACK: while stopping it exits rather than acknowledge a message
  /// it did not keep.
  case network
}
