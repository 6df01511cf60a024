import ColdTraceMQTT

/// The connection keys agent and collector configs share.
extension ConfigTable {
  /// `mqtt_version`: 5 (the default) or 311.
  public func mqttVersion() throws(ConfigError) -> ClientOptions.ProtocolVersion {
    switch try int("mqtt_version") ?? 5 {
    case 5: return .v5
    case 4, 311: return .v311
    default: throw invalid("mqtt_version", "must be 5 or 311")
    }
  }

  /// The `[tls]` table (`ca_file`, `cert_file`, `key_file`), if present.
  public func tlsOptions() throws(ConfigError) -> ClientOptions.TLS? {
    guard let tls = try table("tls") else { return nil }
    try tls.rejectUnknownKeys(allowed: ["ca_file", "cert_file", "key_file"])
    return ClientOptions.TLS(
      caFile: try tls.string("ca_file"), certFile: try tls.string("cert_file"), keyFile: try tls.string("key_file"))
  }
}
