import Testing

@testable import ColdTraceCore

@Suite("Alert message")
struct AlertMessageTests {
  let opened = Timestamp(milliseconds: 1_795_923_600_000)

  var open: AlertRecord {
    AlertRecord(
      id: 7, kind: .tempHigh, severity: .warning, state: .open, site: "hx", room: "cold-1", sensor: "probe-a",
      lots: ["L-1", "L \"2\""], product: "litchi", openedAt: opened, limit: 5, peak: 7.4,
      message: "temperature 7.4 °C above 5 °C for 15 min (litchi, warning)")
  }

  var acked: AlertRecord {
    AlertRecord(
      id: 8, kind: .agentOffline, severity: .critical, state: .acked, site: "hx", room: "-", sensor: "hx-edge-1",
      product: nil, openedAt: opened, resolvedAt: opened.adding(seconds: 600), ackedAt: opened.adding(seconds: 60),
      ackedBy: "lan", note: "door\nclosed", limit: nil, peak: nil, message: "agent hx-edge-1 offline",
      silenced: "3")
  }

  @Test("writes the alert's fields, and an event's, byte for byte")
  func exactBytes() {
    let fields =
      #""id":7,"kind":"temp_high","severity":"warning","state":"open","site":"hx","room":"cold-1","#
      + #""sensor":"probe-a","lots":["L-1","L \"2\""],"product":"litchi","opened_at":"2026-11-29T03:40:00.000Z","#
      + #""resolved_at":null,"acked_at":null,"acked_by":null,"note":null,"limit":5,"peak":7.4,"#
      + #""message":"temperature 7.4 °C above 5 °C for 15 min (litchi, warning)","unacknowledged":true,"#
      + #""silenced":null}"#
    #expect(open.jsonLine() == "{" + fields)
    let event = #"{"event":"opened","event_id":12,"at":"2026-11-29T03:40:00.000Z","#
    #expect(open.jsonLine(event: "opened", eventID: 12, at: opened) == event + fields)
    let chained = AlertMessage(
      prev: String(repeating: "0", count: 64), event: "opened", eventID: 12, at: opened, alert: open)
    #expect(
      chained.encode() == #"{"prev":""# + String(repeating: "0", count: 64) + #"","# + String(event.dropFirst())
        + fields)
    var bytes = Array("x".utf8)
    open.appendJSONLine(to: &bytes, event: "opened", eventID: 12, at: opened)
    #expect(String(decoding: bytes, as: UTF8.self) == "x" + event + fields)
  }

  @Test("reads back what it writes")
  func roundTrip() {
    let messages = [
      AlertMessage(alert: open),
      AlertMessage(event: "acked", eventID: 3, at: opened.adding(seconds: 60), alert: acked),
      AlertMessage(prev: "ab12", event: "resolved", eventID: 4, at: opened.adding(seconds: 600), alert: acked),
    ]
    for message in messages {
      #expect(AlertMessage.decode(message.encode()) == message)
    }
  }

  @Test("reads a journal line as the collector writes it")
  func journalLine() throws {
    let line =
      #"{"prev":"00","event":"resolved","event_id":2,"at":"2026-11-29T03:50:00.000Z","id":1,"kind":"offline","#
      + #""severity":"critical","state":"resolved","site":"hx","room":"cold-1","sensor":"p","lots":[],"#
      + #""product":null,"opened_at":"2026-11-29T03:40:00.000Z","resolved_at":"2026-11-29T03:50:00.000Z","#
      + #""acked_at":null,"acked_by":null,"note":null,"limit":null,"peak":null,"message":"back","unacknowledged":true,"#
      + #""silenced":"maintenance:cleaning"}"#
    let message = try #require(AlertMessage.decode(line))
    #expect(message.prev == "00")
    #expect(message.event == "resolved")
    #expect(message.eventID == 2)
    #expect(message.alert.kind == .offline)
    #expect(message.alert.resolvedAt == opened.adding(seconds: 600))
    #expect(message.alert.silenced == "maintenance:cleaning")
    #expect(message.encode() == line)
  }

  @Test("refuses lines that are not alert events")
  func malformed() {
    let good = open.jsonLine()
    let lines = [
      "", "{", "[]", #"{"event":"config_changed","event_id":1,"at":"2026-11-29T03:40:00.000Z"}"#,
      good.replacingFirst(#""kind":"temp_high""#, with: #""kind":"hot""#),
      good.replacingFirst(#""id":7"#, with: #""id":7.5"#),
      good.replacingFirst(#""opened_at":"2026-11-29T03:40:00.000Z""#, with: #""opened_at":"yesterday""#),
      good.replacingFirst(#""lots":["L-1","#, with: #""lots":[1,"#),
      good.replacingFirst(#""limit":5"#, with: #""limit":"5""#),
      good.replacingFirst(#","message":"temperature 7.4 °C above 5 °C for 15 min (litchi, warning)""#, with: ""),
    ]
    for line in lines {
      #expect(AlertMessage.decode(line) == nil, "\(line)")
    }
  }
}

extension String {
  /// `self` with the first `target` replaced (the test's lines must contain it).
  fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
    guard let range = firstRange(of: target) else {
      Issue.record("\(target) not in \(self)")
      return self
    }
    var copy = self
    copy.replaceSubrange(range, with: replacement)
    return copy
  }
}
