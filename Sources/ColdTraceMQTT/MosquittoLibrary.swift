import CMosquitto
import ColdTraceSystem

#if canImport(Glibc)
  import Glibc
#endif

/// Process-wide libmosquitto set-up, done once before any client (and so any network thread) exists.
enum MosquittoLibrary {
  private static let initialised: Bool = {
    mosquitto_lib_init()
    return true
  }()

  static func ensureInitialised() { _ = initialised }

  static func describe(_ code: Int32) -> String {
    if code == MOSQ_ERR_ERRNO.rawValue {
      return errnoDescription()
    }
    return String(cString: mosquitto_strerror(code))
  }

  static func describeConnack(_ code: Int32, v5: Bool) -> String {
    v5 ? String(cString: mosquitto_reason_string(code)) : String(cString: mosquitto_connack_string(code))
  }
}
