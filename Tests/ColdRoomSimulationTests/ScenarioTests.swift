import ColdRoomScenarios
import ColdRoomSimulation
import ColdTraceCore
import ColdTraceSystem
import Foundation
import Testing

/// The scenario files: they parse, they run, they are deterministic, and their errors point at the line.
@Suite("Scenarios")
struct ScenarioTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Simulators/scenarios")

  static let names = [
    "normal-week", "door-left-open", "defrost", "power-cut-3h", "compressor-failure", "harvest-precooling",
    "faulty-probe", "litchi-cold-treatment-17d", "defrost-overrun",
  ]

  static func path(_ name: String) -> String { directory.appendingPathComponent("\(name).toml").path }

  static func csv(_ scenario: Scenario, seed: UInt64? = nil) -> [String] {
    var lines = [TraceCSV.header(probes: scenario.probes)]
    scenario.play(seed: seed) { snapshot, outputs in
      lines.append(TraceCSV.line(snapshot, outputs, probes: scenario.probes))
    }
    return lines
  }

  @Test("every scenario file parses and runs to the end with finite values", arguments: names)
  func scenarioRuns(name: String) throws {
    let scenario = try ScenarioFile.load(Self.path(name))
    #expect(scenario.name == name)
    var count = 0
    var last: RoomSnapshot?
    scenario.play { snapshot, outputs in
      count += 1
      last = snapshot
      #expect(snapshot.airC.isFinite && snapshot.productC.isFinite && snapshot.rhPct.isFinite)
      #expect(outputs.count == scenario.probes.count)
    }
    #expect(count == Int(scenario.durationSeconds / scenario.sampleSeconds) + 1)
    #expect(last!.time == scenario.start.adding(seconds: scenario.durationSeconds))
  }

  @Test("no scenario file is left out of the test")
  func allFilesListed() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
    #expect(Set(files) == Set(Self.names))
  }

  @Test("the same seed gives the same trace; another seed gives other noise")
  func sameSeedSameTrace() throws {
    let scenario = try ScenarioFile.load(Self.path("faulty-probe"))
    let first = Self.csv(scenario)
    let second = Self.csv(scenario)
    let other = Self.csv(scenario, seed: 99)
    #expect(first == second)
    #expect(first != other)
    #expect(first.contains { $0.contains(",crc,") })
    #expect(first.contains { $0.contains(",85.0,") })
  }

  /// How fast it plays is the benchmarks' business (a timed test fails on a busy machine), not this test's.
  @Test("three weeks of a room on the virtual clock: one sample a minute, the first at the start")
  func threeWeeksOnTheVirtualClock() throws {
    var scenario = try ScenarioFile.load(Self.path("normal-week"))
    scenario.durationSeconds = 21 * 86_400
    scenario.sampleSeconds = 60
    var times: [Double] = []
    scenario.play { room, _ in times.append(room.time.seconds(since: scenario.start)) }
    #expect(times.count == 21 * 1440 + 1)
    #expect(times.first == 0)
    #expect(abs((times.last ?? 0) - 21 * 86_400) < 0.001)
  }

  @Test("the cold treatment holds the pulp at or below 0.99 °C after the first day")
  func coldTreatmentHolds() throws {
    let scenario = try ScenarioFile.load(Self.path("litchi-cold-treatment-17d"))
    var pulp: [Double] = []
    scenario.play { snapshot, _ in
      if snapshot.time.seconds(since: scenario.start) >= 86_400 { pulp.append(snapshot.productC) }
    }
    #expect(pulp.count >= 17 * 24)
    #expect(pulp.max()! <= 0.99)
    #expect(pulp.min()! > -0.5)
  }

  @Test(
    "an error names the file, the line and the key",
    arguments: [
      (
        "name = \"x\"\nhours = 1\n[[probe]]\nid = \"p\"\n[[event]]\nat_minutes = 5\nkind = \"door_opened\"\n",
        "bad.toml:7", "event[1].kind"
      ),
      ("name = \"x\"\nhours = 1\n[[probe]]\nid = \"p\"\nplacement = \"ceiling\"\n", "bad.toml:5", "probe[1].placement"),
      ("name = \"x\"\nhours = 1\n[room]\nsetpoint = 2\n[[probe]]\nid = \"p\"\n", "bad.toml:4", "room.setpoint"),
      (
        "name = \"x\"\nhours = 1\n[[probe]]\nid = \"p\"\n[[event]]\nat_hours = 1\nkind = \"probe_fault\"\n"
          + "probe = \"q\"\nfault = \"stuck\"\n", "bad.toml:8", "event[1].probe"
      ),
    ])
  func errorsPointAtTheLine(text: String, location: String, key: String) {
    #expect {
      _ = try ScenarioFile.parse(text: text, path: "bad.toml")
    } throws: { error in
      let message = "\(error)"
      return message.contains(location) && message.contains(key)
    }
  }
}
