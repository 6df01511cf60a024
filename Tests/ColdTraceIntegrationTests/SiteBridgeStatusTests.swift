import ColdTraceCore
import ColdTraceStorage
import ColdTraceSystem
import Foundation
import TestSupport
import Testing

/// `coldtrace status` shows each site broker's uplink as the collector recorded it (`site_bridges`): in English and
/// Vietnamese text, in the site's time zone, and as one JSON line per site after the probes.
struct SiteBridgeStatusTests {
  @Test func theUplinkOfEachSiteBrokerIsShownUpOrDownWithSince() throws {
    let directory = try TemporaryDirectory.make(prefix: "bridge-status")
    let database = directory.appendingPathComponent("coldtrace.db").path
    let store = try SQLiteStore(path: database)
    let downSince = try #require(Timestamp.parseRFC3339("2026-12-07T03:41:00.000Z"))
    let upSince = try #require(Timestamp.parseRFC3339("2026-12-07T01:00:00.000Z"))
    try store.write { tx in
      try tx.recordSiteBridge(SiteBridgeState(site: "hongxuan", up: false, since: downSince, seen: downSince))
      try tx.recordSiteBridge(SiteBridgeState(site: "dongtien", up: true, since: upSince, seen: downSince))
    }
    let coldtrace = Executables.product("coldtrace")
    let english = try Executables.run(coldtrace, ["status", "--db", database, "--lang", "en"])
    #expect(english.status == 0, "\(english.stderr)")
    #expect(english.stdout.contains("Site brokers (bridge to the centre)"), "\(english.stdout)")
    // Times in the default zone, Asia/Ho_Chi_Minh (+07:00).
    #expect(english.stdout.contains("  dongtien  uplink up since 2026-12-07 08:00"), "\(english.stdout)")
    #expect(english.stdout.contains("  hongxuan  UPLINK DOWN since 2026-12-07 10:41"), "\(english.stdout)")
    let vietnamese = try Executables.run(coldtrace, ["status", "--db", database, "--lang", "vi"])
    #expect(vietnamese.stdout.contains("hongxuan  MẤT ĐƯỜNG TRUYỀN từ"), "\(vietnamese.stdout)")
    let json = try Executables.run(coldtrace, ["status", "--db", database, "--json"])
    let lines = json.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines == [
        #"{"site":"dongtien","bridge":"up","bridge_since":"2026-12-07T01:00:00.000Z","bridge_seen":"2026-12-07T03:41:00.000Z"}"#,
        #"{"site":"hongxuan","bridge":"down","bridge_since":"2026-12-07T03:41:00.000Z","bridge_seen":"2026-12-07T03:41:00.000Z"}"#,
      ], "\(json.stdout)")
  }
}
