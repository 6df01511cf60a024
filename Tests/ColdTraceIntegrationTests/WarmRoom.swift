import ColdTraceCore
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

extension MosquittoBroker {
  /// Publishes, with the real `mosquitto_pub`, eleven readings of 9 °C a minute apart ending now in
  /// hongxuan/cold2 (probe-a): past litchi's critical 8 °C for the ten minutes that open a critical `temp_high`.
  func publishWarmRoom() throws {
    let now = WallClock.now()
    let items = (0...10).map { minute in
      #"{"ts":"\#(now.adding(seconds: Double(minute - 10) * 60).rfc3339)","temp_c":9}"#
    }.joined(separator: ",")
    let pub = try #require(ChildProcess.system("mosquitto_pub"), "mosquitto-clients is not installed")
    let result = try Executables.run(
      URL(fileURLWithPath: pub),
      [
        "-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", "coldtrace/v1/reading/hongxuan/cold2/probe-a",
        "-m", #"{"v":1,"samples":[\#(items)]}"#,
      ])
    #expect(result.status == 0, "mosquitto_pub failed: \(result.stderr)")
  }
}
