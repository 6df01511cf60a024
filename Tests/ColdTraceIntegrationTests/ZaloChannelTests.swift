import ColdTraceSystem
import Foundation
import Synchronization
import TestSupport
import Testing

/// The Zalo ZNS example program, `deploy/notify/zalo-zns.sh`, run for real (sh, curl, jq, flock) against a stub of
/// Zalo's two endpoints on loopback: `POST /message/template` (ZNS) and `POST /v4/oa/access_token` (the token
/// refresh). The stub stands in for Zalo's servers, which a test cannot reach: it answers as Zalo's documentation and
/// clients describe (`{error, message, data}`, -124 for an invalid access token, a single-use refresh token whose
/// answer carries the next one), so these tests prove what the program sends and how it keeps its tokens, not that
/// Zalo accepts it.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ZaloChannelTests {
  private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("deploy/notify/zalo-zns.sh").path

  /// Zalo's side: the one valid access token, the one unused refresh token, and how refreshes and sends are answered.
  final class Stub: Sendable {
    struct State {
      var validAccess = "AT-NEW"
      var validRefresh = "RT-1"
      var refreshRefused = false
      var sendError: Int? = nil
    }
    let state = Mutex(State())

    func answer(_ request: HTTPSink.Request) -> HTTPSink.Response {
      state.withLock { state in
        if request.path == "/v4/oa/access_token" {
          let form = request.form
          guard !state.refreshRefused, request.headers["secret_key"] == "s3cret-key", form["app_id"] == "4291",
            form["grant_type"] == "refresh_token", form["refresh_token"] == state.validRefresh
          else { return HTTPSink.Response(json: #"{"error":-14014,"message":"Invalid refresh token"}"#) }
          state.validRefresh = "RT-2"
          state.validAccess = "AT-NEW"
          return HTTPSink.Response(json: #"{"access_token":"AT-NEW","refresh_token":"RT-2","expires_in":"90000"}"#)
        }
        guard request.path == "/message/template" else { return HTTPSink.Response(status: 404, json: "{}") }
        guard request.headers["access_token"] == state.validAccess else {
          return HTTPSink.Response(json: #"{"error":-124,"message":"Access token is invalid"}"#)
        }
        if let error = state.sendError {
          return HTTPSink.Response(json: #"{"error":\#(error),"message":"Template ID invalid"}"#)
        }
        return HTTPSink.Response(json: #"{"error":0,"message":"Success","data":{"msg_id":"m1","sent_time":"1"}}"#)
      }
    }
  }

  private struct Setup {
    let directory: URL
    let sink: HTTPSink
    let stub: Stub
    var state: URL { directory.appendingPathComponent("state") }
    var tokens: URL { state.appendingPathComponent("tokens.json") }
    var config: URL { directory.appendingPathComponent("zalo.json") }
  }

  private static let event =
    #"{"prev":"0","event":"opened","event_id":12,"at":"2026-12-07T05:00:00.000Z","id":7,"kind":"temp_high","#
    + #""severity":"critical","site":"hongxuan","room":"cold2","sensor":"probe-a","peak":9.4,"limit":8,"#
    + #""message":"air above 8","lots":["LC-2026-031"]}"#

  /// A config, a token file whose access token Zalo no longer accepts (valid by its expiry unless `expired`), and the
  /// stub. Fails (does not skip) when curl, jq or flock is missing: CI installs them with scripts/bootstrap.sh.
  private func setUp(expired: Bool = false) throws -> Setup {
    for program in ["curl", "jq", "flock"] {
      _ = try #require(ChildProcess.system(program), "\(program) is not installed (scripts/bootstrap.sh)")
    }
    let directory = try TemporaryDirectory.make(prefix: "zalo")
    let stub = Stub()
    let sink = try HTTPSink { stub.answer($0) }
    let setup = Setup(directory: directory, sink: sink, stub: stub)
    try FileManager.default.createDirectory(at: setup.state, withIntermediateDirectories: true)
    let secret = directory.appendingPathComponent("secret")
    try "s3cret-key\n".write(to: secret, atomically: true, encoding: .utf8)
    try """
    {"app_id": "4291", "secret_key_file": "\(secret.path)", "template_id": "345678",
     "state_dir": "\(setup.state.path)",
     "template_data": {"kho": "room", "canh_bao": "kind_vi", "muc_do": "severity_vi", "nhiet_do": "peak",
                       "nguong": "limit", "thoi_gian": "at_local", "ma_canh_bao": "alert_id", "lo": "lots",
                       "hotline": "=0222 3812 345"}}
    """.write(to: setup.config, atomically: true, encoding: .utf8)
    let expiresAt = Int(Date().timeIntervalSince1970) + (expired ? -60 : 3600)
    try #"{"access_token":"AT-OLD","refresh_token":"RT-1","expires_at":\#(expiresAt)}"#
      .write(to: setup.tokens, atomically: true, encoding: .utf8)
    return setup
  }

  /// Starts the program with `events` on its standard input and the collector's environment.
  private func start(_ setup: Setup, ids: String, events: [String], contacts: String) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = [Self.script]
    let base = "http://127.0.0.1:\(setup.sink.port)"
    process.environment = ProcessInfo.processInfo.environment.merging([
      "COLDTRACE_ZALO_CONFIG": setup.config.path, "COLDTRACE_ZALO_API": base, "COLDTRACE_ZALO_OAUTH": base,
      "COLDTRACE_CONTACTS": contacts, "COLDTRACE_NOTIFICATION_IDS": ids, "COLDTRACE_CHANNEL": "zalo",
      "COLDTRACE_ESCALATION": "0",
    ]) { $1 }
    let input = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(Data((events.joined(separator: "\n") + "\n").utf8))
    try input.fileHandleForWriting.close()
    return (process, errors)
  }

  private func finish(_ started: (Process, Pipe)) -> (status: Int32, stderr: String) {
    let errors = started.1.fileHandleForReading.readDataToEndOfFile()
    started.0.waitUntilExit()
    return (started.0.terminationStatus, String(decoding: errors, as: UTF8.self))
  }

  private func run(_ setup: Setup, ids: String, events: [String], contacts: String) throws
    -> (status: Int32, stderr: String)
  {
    finish(try start(setup, ids: ids, events: events, contacts: contacts))
  }

  private func tokenFile(_ setup: Setup) throws -> [String: Any] {
    let data = try Data(contentsOf: setup.tokens)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func anExpiredAccessTokenIsRefreshedOnceStoredAtomicallyAndTheSendRetried() throws {
    let setup = try setUp()
    defer { setup.sink.stop() }
    let second = Self.event.replacingOccurrences(
      of: #""event":"opened","event_id":12"#, with: #""event":"resolved","event_id":13"#)
    let result = try run(setup, ids: "41,42", events: [Self.event, second], contacts: "0901 234 567,+84912345678")
    #expect(result.status == 0, "\(result.stderr)")

    let requests = setup.sink.requests
    #expect(
      requests.map(\.path) == ["/message/template", "/v4/oa/access_token"]
        + Array(repeating: "/message/template", count: 4))
    #expect(requests.first?.headers["access_token"] == "AT-OLD", "the stored token first; Zalo answers -124")
    let refresh = try #require(requests.first { $0.path == "/v4/oa/access_token" })
    #expect(refresh.headers["secret_key"] == "s3cret-key")
    #expect(refresh.headers["content-type"] == "application/x-www-form-urlencoded")
    #expect(refresh.form == ["app_id": "4291", "refresh_token": "RT-1", "grant_type": "refresh_token"])

    let sends = requests.dropFirst(2)
    #expect(sends.allSatisfy { $0.headers["access_token"] == "AT-NEW" && $0.method == "POST" })
    let bodies = try sends.map { try #require($0.json, "not JSON: \($0.body)") }
    #expect(bodies.map { $0["phone"] as? String } == ["84901234567", "84912345678", "84901234567", "84912345678"])
    #expect(bodies.map { $0["tracking_id"] as? String } == ["41", "41", "42", "42"], "tracking_id: notification id")
    #expect(bodies.allSatisfy { $0["template_id"] as? String == "345678" })
    let data = try #require(bodies.first?["template_data"] as? [String: String])
    #expect(
      data == [
        "kho": "hongxuan/cold2", "canh_bao": "nhiệt độ cao", "muc_do": "KHẨN", "nhiet_do": "9.4", "nguong": "8",
        "thoi_gian": "12:00 07/12/2026", "ma_canh_bao": "7", "lo": "LC-2026-031", "hotline": "0222 3812 345",
      ])

    // The new pair replaced the old one, readable by its owner only, with nothing left behind.
    let tokens = try tokenFile(setup)
    #expect(tokens["access_token"] as? String == "AT-NEW" && tokens["refresh_token"] as? String == "RT-2")
    let expiresAt = try #require(tokens["expires_at"] as? Int)
    #expect(abs(expiresAt - Int(Date().timeIntervalSince1970) - 90000) < 120, "expires_in from Zalo's answer")
    let mode = try FileManager.default.attributesOfItem(atPath: setup.tokens.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    let left = try FileManager.default.contentsOfDirectory(atPath: setup.state.path).sorted()
    #expect(left == ["lock", "sent", "tokens.json"])

    // The collector runs it again with the same ids (a retry after a crash): nothing is sent twice.
    let again = try run(setup, ids: "41,42", events: [Self.event, second], contacts: "0901 234 567,+84912345678")
    #expect(again.status == 0, "\(again.stderr)")
    #expect(setup.sink.requests.count == requests.count, "a second run with the same ids sends nothing")
  }

  @Test func aRefusedRefreshExitsNonZeroAndLeavesTheTokenFileAsItWas() throws {
    let setup = try setUp(expired: true)
    defer { setup.sink.stop() }
    setup.stub.state.withLock { $0.refreshRefused = true }
    let before = try Data(contentsOf: setup.tokens)
    let result = try run(setup, ids: "41", events: [Self.event], contacts: "0901234567")
    #expect(result.status == 4, "\(result.stderr)")
    #expect(
      result.stderr.hasPrefix("zalo-zns.sh: PERMANENT: Zalo refused the token refresh (-14014: Invalid refresh token)"),
      "\(result.stderr)")
    #expect(try Data(contentsOf: setup.tokens) == before, "the token file is unchanged")
    #expect(setup.sink.requests.map(\.path) == ["/v4/oa/access_token"], "past its lifetime: refreshed before sending")
    let left = try FileManager.default.contentsOfDirectory(atPath: setup.state.path).sorted()
    #expect(left == ["lock", "sent", "tokens.json"], "no temporary file, no refused answer kept")
  }

  @Test func aRefreshAnswerLeftByACrashIsStoredByTheNextRunInsteadOfRefreshingAgain() throws {
    let setup = try setUp(expired: true)
    defer { setup.sink.stop() }
    // Zalo took RT-1 and answered; the program died before replacing tokens.json (which still holds the spent RT-1).
    setup.stub.state.withLock { $0.validRefresh = "RT-2" }
    let answer = setup.state.appendingPathComponent("refresh-answer.json")
    try #"{"access_token":"AT-NEW","refresh_token":"RT-2","expires_in":"90000"}"#
      .write(to: answer, atomically: true, encoding: .utf8)
    let result = try run(setup, ids: "41", events: [Self.event], contacts: "0901234567")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("storing the token pair of a refresh a crash interrupted"))
    #expect(setup.sink.requests.map(\.path) == ["/message/template"], "no refresh: the stored answer is used")
    #expect(setup.sink.requests.first?.headers["access_token"] == "AT-NEW")
    #expect(try tokenFile(setup)["refresh_token"] as? String == "RT-2")
    #expect(!FileManager.default.fileExists(atPath: answer.path))
  }

  @Test func twoRunsAtOnceRefreshTheSingleUseTokenOnlyOnce() throws {
    let setup = try setUp(expired: true)
    defer { setup.sink.stop() }
    let first = try start(setup, ids: "41", events: [Self.event], contacts: "0901234567")
    let second = try start(setup, ids: "42", events: [Self.event], contacts: "0912345678")
    let results = [finish(first), finish(second)]
    #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
    let paths = setup.sink.requests.map(\.path)
    #expect(paths.filter { $0 == "/v4/oa/access_token" }.count == 1, "\(paths)")
    #expect(paths.filter { $0 == "/message/template" }.count == 2, "\(paths)")
    #expect(try tokenFile(setup)["refresh_token"] as? String == "RT-2")
  }

  @Test func theNotifyTestMessageIsSentEveryTimeAndNeverRemembered() throws {
    let setup = try setUp()
    defer { setup.sink.stop() }
    setup.stub.state.withLock { $0.validAccess = "AT-OLD" }
    let test =
      #"{"event":"test","event_id":0,"at":"2026-12-07T05:00:00.000Z","id":0,"kind":"temp_high","#
      + #""severity":"critical","site":"test","room":"test","sensor":"test","peak":9,"limit":8,"lots":[]}"#
    for _ in 0..<2 {
      let result = try run(setup, ids: "0", events: [test], contacts: "84901234567")
      #expect(result.status == 0, "\(result.stderr)")
    }
    let bodies = setup.sink.requests.compactMap(\.json)
    #expect(bodies.count == 2, "coldtrace notify test sends each time it is run")
    let tracking = bodies.compactMap { $0["tracking_id"] as? String }
    #expect(
      tracking.count == 2 && tracking.allSatisfy { $0.hasPrefix("test") && $0.dropFirst(4).allSatisfy(\.isNumber) })
    #expect((bodies.first?["template_data"] as? [String: String])?["kho"] == "test/test")
  }

  @Test func aRejectedTemplateIsReportedAsPermanentAndRetriedLater() throws {
    let setup = try setUp()
    defer { setup.sink.stop() }
    setup.stub.state.withLock {
      $0.validAccess = "AT-OLD"
      $0.sendError = -109
    }
    let result = try run(setup, ids: "41", events: [Self.event], contacts: "0901234567")
    #expect(result.status == 4)
    #expect(
      result.stderr.hasPrefix(
        "zalo-zns.sh: PERMANENT: notification 41 to 84901234567 refused by Zalo, error -109: Template ID invalid"),
      "\(result.stderr)")
    let sent = try String(contentsOf: setup.state.appendingPathComponent("sent"), encoding: .utf8)
    #expect(sent.isEmpty, "not remembered as sent: the collector's retry sends it once the template is fixed")
  }

  @Test func theGuidesExamplesAreAcceptedByTheProgramAndTheCollector() throws {
    let setup = try setUp()
    defer { setup.sink.stop() }
    setup.stub.state.withLock { $0.validAccess = "AT-OLD" }
    let secret = setup.directory.appendingPathComponent("secret")
    try GuideExamples.block("deploy/notify/zalo.md", containing: "template_data")
      .replacingOccurrences(of: "/etc/coldtrace/zalo-secret", with: secret.path)
      .replacingOccurrences(of: "/var/lib/coldtrace/zalo", with: setup.state.path)
      .write(to: setup.config, atomically: true, encoding: .utf8)
    let result = try run(setup, ids: "41", events: [Self.event], contacts: "0901234567")
    #expect(result.status == 0, "\(result.stderr)")
    let data = try #require(setup.sink.requests.first?.json?["template_data"] as? [String: String])
    #expect(data["kho"] == "hongxuan/cold2" && data["thoi_gian"] == "12:00 07/12/2026", "\(data)")
    #expect(data["hotline"] == "0222 3812 345")

    let toml = setup.directory.appendingPathComponent("collector.toml")
    try GuideExamples.block("deploy/notify/zalo.md", containing: "[[notify]]")
      .write(to: toml, atomically: true, encoding: .utf8)
    let collector = try Executables.run(
      Executables.product("coldtrace"), ["notify", "test", "nope", "--config", toml.path])
    #expect(collector.stderr == "coldtrace: no channel named \"nope\" (configured: zalo)\n", "\(collector.stderr)")
  }
}
