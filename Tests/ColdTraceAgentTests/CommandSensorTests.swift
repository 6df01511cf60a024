import ColdTraceAgent
import Foundation
import Testing

@Suite("command driver")
struct CommandSensorTests {
  private func read(_ command: [String], timeout: Double = 10) -> SensorValue {
    CommandSensor(id: "probe", room: "cold2", command: command, timeoutSeconds: timeout).read(at: SysfsFixtures.time)
  }

  @Test func readsTheJSONTheProgramPrints() {
    #expect(read([SysfsFixtures.command("read-probe.sh")]) == .values(tempC: 3.4, rhPct: 91))
  }

  @Test func passesArgumentsWithoutAShell() {
    #expect(read([SysfsFixtures.command("print-args.sh"), "3.5", "80"]) == .values(tempC: 3.5, rhPct: 80))
    #expect(
      read([SysfsFixtures.command("print-args.sh"), "3.5; echo", "80"]).fault?.contains("no JSON object") == true)
  }

  @Test func reportsTheProgramsOwnError() {
    #expect(read([SysfsFixtures.command("report-error.sh")]) == .fault("report-error.sh: i2c bus 1 busy"))
  }

  @Test func reportsAFailedExitWithTheFirstLineOfStandardError() {
    #expect(
      read([SysfsFixtures.command("crash.sh")])
        == .fault("crash.sh: exited with status 3: read-probe: /dev/i2c-1: Permission denied"))
  }

  @Test func killsAProgramThatRunsPastItsTimeoutWithItsChildren() {
    // hang.sh sleeps 30 s in a child that holds standard output open: only killing the process group ends the read.
    let started = Date()
    let value = read([SysfsFixtures.command("hang.sh")], timeout: 0.5)
    let elapsed = Date().timeIntervalSince(started)
    #expect(value == .fault("hang.sh: no answer after 0.5 s; killed"))
    #expect(elapsed / 30 < 0.2, "took \(elapsed) s of the program's 30 s sleep")
  }

  @Test func aMissingProgramIsAFault() {
    #expect(
      read(["/nonexistent/read-probe"])
        == .fault("read-probe: cannot start /nonexistent/read-probe: No such file or directory"))
  }

  @Test func rejectsOutputThatIsNotAReading() {
    // `sh -c` rather than scripts written here: executing a file just written races with other tests' spawns
    // (a child that inherited the still-open file makes exec fail with ETXTBSY).
    func printing(_ output: String) -> SensorValue { read(["/bin/sh", "-c", "printf '%s' '\(output)'"]) }
    #expect(printing("") == .fault("sh: printed nothing"))
    #expect(printing("3.4").fault?.hasPrefix("sh: printed no JSON object (") == true)
    #expect(printing("{\"temp_c\":\"3.4\"}") == .fault("sh: temp_c is a string, not a number"))
    #expect(printing("{\"ok\":true}") == .fault("sh: printed neither temp_c nor rh_pct (nor error)"))
    #expect(printing("{\"rh_pct\":88.5,\"temp_c\":null}") == .values(tempC: nil, rhPct: 88.5))
  }

  @Test func theProgramInheritsNoDescriptorsButItsOutput() throws {
    // The test process has many files open; the probe program should see only 0, 1 and 2 (and the one `ls` opens).
    let value = read(["/bin/sh", "-c", "n=$(ls /proc/self/fd | wc -l); printf '{\"temp_c\":%s}' $n"])
    #expect(try #require(value.tempC) <= 4, "\(value)")
  }

  @Test func theConfigTakesTheCommandAsAnArrayOfStrings() throws {
    let base = "id = \"a\"\nroom = \"cold2\"\ndriver = \"command\"\n"
    let sensor = try configuredSensor(base + "command = [\"\(SysfsFixtures.command("read-probe.sh"))\"]")
    #expect(sensor.read(at: SysfsFixtures.time) == .values(tempC: 3.4, rhPct: 91))
    #expect(try #require(sensorConfigError(base)).contains("`sensor[1].command` is required"))
    #expect(
      try #require(sensorConfigError(base + "command = \"/usr/local/bin/read-probe\""))
        .contains("`sensor[1].command` must be an array of strings"))
    #expect(try #require(sensorConfigError(base + "command = [\"read-probe\"]")).contains("absolute path"))
    #expect(
      try #require(sensorConfigError(base + "command = [\"/bin/true\"]\ntimeout_seconds = 0"))
        .contains("`sensor[1].timeout_seconds` must be 0.1…600"))
  }
}
