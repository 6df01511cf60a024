import ColdTraceCore
import ColdTraceStorage
import Foundation
import TestSupport
import Testing

/// Probes crossing the same limit together, with a real broker, the real collector and a real notification program
/// (`group_wait_seconds`): six probes of hongxuan/cold1 cross litchi's critical high within seconds of each other,
/// one probe of cold2 alone three minutes later. The program gets one message for cold1 naming the six, and one for
/// cold2's probe as always; `coldtrace status` still shows each probe's own alert; cold1's alert resolves with its
/// last probe. Probes of two rooms crossing together (the site's refrigeration plant) make one site message.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct RoomCrossingGroupTests {
  @Test func sixProbesCrossingTogetherAreOneRoomAlertAndOneMessageALoneProbeItsOwn() throws {
    let site = try NotifyingFacility(settings: "group_wait_seconds = 60")
    defer { site.stop() }
    let store = try SQLiteStore(path: site.facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: site.broker, clientID: "hx-bridge")
    // Event time: a reading a minute, starting 40 minutes ago; 4 °C, then 9 °C from minute 5 (the critical high
    // opens 10 minutes later); the six of cold1 a second apart. cold1 recovers one probe a minute from minute 21.
    // cold2's probe warms from minute 8: it crosses at minute 18, long after cold1's wait (one room alone).
    let base = Int(Date().timeIntervalSince1970) - 40 * 60
    let six = (1...6).map { "probe-\($0)" }
    for minute in 0...30 {
      for (index, sensor) in six.enumerated() {
        let warm = minute >= 5 && minute < 21 + index
        try publisher.publish(
          "coldtrace/v1/reading/hongxuan/cold1/\(sensor)", tempC: warm ? 9 : 4, ts: base + minute * 60 + index)
      }
      let soloWarm = minute >= 8 && minute < 28
      try publisher.publish("coldtrace/v1/reading/hongxuan/cold2/solo", tempC: soloWarm ? 9 : 4, ts: base + minute * 60)
    }
    #expect(publisher.waitForAcknowledgements(timeout: 60))
    #expect(eventually(timeout: 60) { (try? store.counts().readings) == 7 * 31 })

    // Every alert decided in event time as the readings came: cold1's alert resolved, the solo one too.
    #expect(
      eventually(timeout: 30) {
        let rows = (try? store.notifications(channel: "sms")) ?? []
        return rows.filter { $0.state == "delivered" }.count == 4
      })
    let alerts = try store.alerts(AlertFilter())
    let room = try #require(alerts.first { $0.sensor == "*" })
    #expect((room.site, room.room, room.kind, room.state) == ("hongxuan", "cold1", .tempHigh, .resolved))
    #expect(alerts.filter { $0.sensor == "*" }.count == 1)
    #expect(alerts.filter { $0.room == "cold1" && $0.sensor != "*" }.count == 6, "each probe's own alert")
    let lines = site.deliveredLines()
    let cold1 = lines.filter { $0.contains(#""room":"cold1""#) }
    #expect(cold1.count == 2, "the room's opening and resolution only: \(cold1)")
    #expect(cold1.allSatisfy { $0.contains(#""sensor":"*""#) })
    let opening = try #require(cold1.first { $0.contains(#""event":"opened""#) })
    #expect(opening.contains("6 probes of room cold1 (hongxuan)"))
    #expect(six.allSatisfy { opening.contains($0) }, "the message names all six: \(opening)")
    #expect(cold1.contains { $0.contains(#""event":"resolved""#) })
    let solo = lines.filter { $0.contains(#""room":"cold2""#) }
    #expect(solo.count == 2 && solo.allSatisfy { $0.contains(#""sensor":"solo""#) }, "\(solo)")
    let rows = try store.notifications(channel: "sms")
    #expect(rows.filter { $0.state == "grouped" }.count == 6, "the six openings kept, not sent")
    let channels = try site.facility.jsonObjects(["notify", "status", "--json"] + site.config)
    #expect(channels.count == 1 && channels.first?["grouped"] as? Int == 6, "\(channels)")
    #expect(channels.first?["held"] as? Int == 0, "every wait was decided: \(channels)")
  }

  @Test func eachProbesOwnAlertIsOnTheBoardWhileTheRoomAlertIsOpen() throws {
    let site = try NotifyingFacility(settings: "group_wait_seconds = 60")
    defer { site.stop() }
    let store = try SQLiteStore(path: site.facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: site.broker, clientID: "hx-bridge")
    let base = Int(Date().timeIntervalSince1970) - 30 * 60
    let six = (1...6).map { "probe-\($0)" }
    for minute in 0...20 {
      for (index, sensor) in six.enumerated() {
        try publisher.publish(
          "coldtrace/v1/reading/hongxuan/cold1/\(sensor)", tempC: minute >= 5 ? 9 : 4,
          ts: base + minute * 60 + index)
      }
    }
    #expect(publisher.waitForAcknowledgements(timeout: 60))
    #expect(eventually(timeout: 60) { (try? store.alerts(AlertFilter()).contains { $0.sensor == "*" }) == true })

    let boards = try site.facility.jsonObjects(["status", "--json"] + site.config).filter {
      ($0["sensor"] as? String)?.hasPrefix("probe-") == true
    }
    #expect(boards.count == 6)
    for board in boards {
      let open = board["open_alerts"] as? [[String: Any]] ?? []
      #expect(open.map { $0["kind"] as? String } == ["temp_high"], "\(board)")
    }
  }

  @Test func probesOfTwoRoomsCrossingTogetherAreOneSiteMessageNamingBoth() throws {
    let site = try NotifyingFacility(settings: "group_wait_seconds = 60")
    defer { site.stop() }
    let store = try SQLiteStore(path: site.facility.database, create: false)
    let publisher = try SiteFloodPublisher(broker: site.broker, clientID: "hx-bridge")
    // The plant serving cold1 and cold2 stops: their five probes reach 9 °C at minute 5 and cross at minute 15,
    // seconds apart; all recover at minute 20.
    let base = Int(Date().timeIntervalSince1970) - 30 * 60
    let probes = [
      ("cold1", "probe-1"), ("cold1", "probe-2"), ("cold1", "probe-3"), ("cold2", "probe-4"), ("cold2", "probe-5"),
    ]
    for minute in 0...24 {
      for (index, (room, sensor)) in probes.enumerated() {
        try publisher.publish(
          "coldtrace/v1/reading/hongxuan/\(room)/\(sensor)", tempC: minute >= 5 && minute < 20 ? 9 : 4,
          ts: base + minute * 60 + index)
      }
    }
    #expect(publisher.waitForAcknowledgements(timeout: 60))
    #expect(eventually(timeout: 60) { (try? store.counts().readings) == probes.count * 25 })
    #expect(
      eventually(timeout: 30) {
        ((try? store.notifications(channel: "sms")) ?? []).filter { $0.state == "delivered" }.count == 2
      })

    let alerts = try store.alerts(AlertFilter())
    #expect(alerts.filter { $0.sensor != "*" }.count == 5, "each probe's own alert is recorded")
    let groups = alerts.filter { $0.sensor == "*" }
    #expect(groups.map { "\($0.room)/\($0.state.rawValue)" } == ["-/resolved"], "one site alert, no room alert")
    let lines = site.deliveredLines()
    #expect(lines.count == 2, "the site's opening and resolution only: \(lines)")
    #expect(lines.allSatisfy { $0.contains(#""room":"-""#) && $0.contains(#""sensor":"*""#) })
    let opening = try #require(lines.first { $0.contains(#""event":"opened""#) })
    #expect(opening.contains("5 probes in 2 rooms of site hongxuan (cold1, cold2)"), "\(opening)")
    #expect(opening.contains("cold1: probe-1") && opening.contains("cold2: probe-4"), "\(opening)")
    #expect(probes.allSatisfy { opening.contains($0.1) }, "the message names all five: \(opening)")
    let channels = try site.facility.jsonObjects(["notify", "status", "--json"] + site.config)
    #expect(channels.first?["held"] as? Int == 0, "\(channels)")
  }
}
