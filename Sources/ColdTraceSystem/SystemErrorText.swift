#if canImport(Glibc)
  import Glibc
#endif

/// The system's text for an `errno` value, as `strerror(3)` gives it (`No such file or directory`): the current
/// `errno` unless a code is given (`posix_spawn` and `pthread_create` return theirs).
public func errnoDescription(_ code: Int32 = errno) -> String {
  String(cString: strerror(code))
}
