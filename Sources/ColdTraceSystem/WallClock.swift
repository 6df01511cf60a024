import ColdTraceCore

#if canImport(Glibc)
  import Glibc
#endif

/// The real clock, for the imperative shell only; the domain core never reads it.
public enum WallClock {
  @Sendable public static func now() -> Timestamp {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
  }
}
