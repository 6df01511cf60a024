import ColdTraceCore
import ColdTraceMQTT

extension CollectorService {
  /// What `coldtrace collect` was told: who it is, where the broker is, and the timer rules.
  public struct Settings: Sendable {
    public var collectorID: String
    public var broker: BrokerAddress
    public var tls: ClientOptions.TLS?
    public var protocolVersion: ClientOptions.ProtocolVersion = .v5
    /// A sensor silent this long raises `offline`; checked every `silenceCheckSeconds` against the collector's clock.
    public var silence = SilenceRule(silentAfterSeconds: 600)
    public var silenceCheckSeconds: Double = 15
    /// An agent whose status stays `offline` (its will) this long raises `agent_offline`.
    public var agentPresence = AgentPresenceRule(graceSeconds: 120)
    /// An agent whose clock stays past this margin from the collector's raises `clock_skew` (`[clock]`).
    public var clockSkew = ClockSkewRule()
    /// A site broker's bridge down this long raises `uplink_down` (`site_uplink_down_after_minutes`).
    public var siteUplink = SiteUplinkRule()
    /// An acknowledged alert still open this long is announced again (0: never).
    public var renotifyAfterSeconds: Double = 3600
    /// `calibration_due`, a wall-clock rule about days, evaluated on the first timer round and then at most every
    /// `calibrationCheckSeconds`, never per reading.
    public var calibration = CalibrationRule()
    public var calibrationCheckSeconds: Double = 300
    /// The notification channels (`[[notify]]`), each with its program, filters and contacts.
    public var notifications: [NotificationHook.Settings] = []
    /// Each site's probe policy and limits (`[sites]`, `[sites.<id>]`).
    public var siteLimits = SiteLimitsConfig()
    /// Where `/metrics` is served for Prometheus, if anywhere.
    public var metricsListen: MetricsListenAddress?
    /// The `[[source]]`s: third-party topics the collector also subscribes to and maps into readings.
    public var sources: [SourceMapping] = []
    /// A writer round, or an MQTT handler call, at least this long is logged with where its time went (`nil`: none
    /// is): `COLDTRACE_SLOW_ROUND_MS`.
    public var slowRound: Duration? = .milliseconds(20)

    public init(collectorID: String, broker: BrokerAddress) {
      self.collectorID = collectorID
      self.broker = broker
    }
  }
}
