import ColdTraceConfig
import TestSupport
import Testing

@testable import ColdTraceCollector

/// The `/metrics` responder over a real loopback socket: the page with Prometheus's content type, and short clear
/// answers to anything else; and the `[metrics]` table's checks.
@Suite(.timeLimit(.minutes(10)))
struct MetricsResponderTests {
  @Test func servesTheRenderedPageAndRefusesOtherPathsAndMethods() throws {
    let responder = try MetricsResponder(address: MetricsListenAddress(port: 0)) {
      "# HELP coldtrace_up Test.\n# TYPE coldtrace_up gauge\ncoldtrace_up 1\n"
    }
    responder.start()
    defer { responder.stop() }

    let page = try HTTPClient.get(port: responder.port, path: "/metrics")
    #expect(page.status == 200)
    #expect(page.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
    #expect(page.headers["connection"] == "close")
    #expect(try ExpositionPage(page.body).value("coldtrace_up") == 1)
    #expect(try HTTPClient.get(port: responder.port, path: "/metrics?x=1").status == 200)
    #expect(try HTTPClient.get(port: responder.port, path: "/").status == 404)
    let post = try HTTPClient.send(
      port: responder.port, request: "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    #expect(post.status == 405)
    #expect(try HTTPClient.send(port: responder.port, request: "nonsense\r\n\r\n").status == 400)
    // Still answering after the bad ones.
    #expect(try HTTPClient.get(port: responder.port, path: "/metrics").status == 200)
  }

  @Test func aPortInUseIsRefusedWithOneLine() throws {
    let first = try MetricsResponder(address: MetricsListenAddress(port: 0)) { "" }
    first.start()
    defer { first.stop() }
    #expect {
      _ = try MetricsResponder(address: MetricsListenAddress(port: first.port)) { "" }
    } throws: { error in
      "\(error)".hasPrefix("cannot listen on 127.0.0.1:\(first.port) for /metrics: ") && !"\(error)".contains("\n")
    }
  }

  @Test func theMetricsTableIsCheckedAndOffByDefault() throws {
    #expect(try load("").metricsListen == nil)
    #expect(try load("[metrics]\n").metricsListen == nil)
    #expect(try load("[metrics]\nlisten = \"127.0.0.1:9464\"\n").metricsListen == MetricsListenAddress(port: 9464))
    #expect {
      try load("[metrics]\nlisten = \"example.org:9464\"\n")
    } throws: { error in
      "\(error)".contains("listen") && "\(error)".contains("not an IPv4 address")
    }
    #expect(throws: ConfigError.self) { try load("[metrics]\nport = 9464\n") }
  }

  private func load(_ text: String) throws -> CollectorConfigFile {
    try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: text))
  }
}
