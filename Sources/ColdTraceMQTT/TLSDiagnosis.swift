import CMosquitto

/// Why a TLS handshake failed, in words an operator can act on.
///
/// libmosquitto reports every TLS failure as `MOSQ_ERR_TLS`, "A TLS error occurred.". What it knows is in its log:
/// `Error: host name verification failed.` (its own check of the broker's name) and OpenSSL's queue of errors
/// (`OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed`, or an alert the broker sent about our
/// certificate). The certificate check's own result (expired, unknown CA) is read from the TLS session while the
/// failure is logged. `MosquittoClient` gathers these during a connect attempt; `explanation` turns them into one line.
public struct TLSDiagnosis: Sendable, Equatable {
  public var hostnameMismatch = false
  /// OpenSSL's certificate check result (`X509_V_ERR_*`), when it failed.
  public var verifyResult: Int32?
  public var openSSLErrors: [String] = []

  public init() {}

  public var isEmpty: Bool { !hostnameMismatch && verifyResult == nil && openSSLErrors.isEmpty }

  /// Records one libmosquitto log line (only errors carry anything of use).
  mutating func record(level: Int32, message: String) {
    guard level == MOSQ_LOG_ERR else { return }
    if message.hasPrefix("Error: host name verification failed") {
      hostnameMismatch = true
    } else if message.hasPrefix("OpenSSL Error"), openSSLErrors.count < 4 {
      // "OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed": keep the reason at the end.
      let reason = message.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? message
      openSSLErrors.append(reason.isEmpty ? message : reason)
    }
  }

  /// One line: the reason and what to do, for a broker at `host` checked against `caFile` with our `certFile`.
  public func explanation(host: String, caFile: String?, certFile: String?) -> String? {
    guard !isEmpty else { return nil }
    let openSSL = openSSLErrors.isEmpty ? "" : " (OpenSSL: \(openSSLErrors.joined(separator: "; ")))"
    let ca = caFile ?? "the system's CA directory"
    let reissue = "deploy/mosquitto/make-certs.sh"
    if hostnameMismatch || verifyResult == X509_V_ERR_HOSTNAME_MISMATCH
      || verifyResult == X509_V_ERR_IP_ADDRESS_MISMATCH
    {
      return "the broker's certificate does not name host \(host)\(openSSL): reissue it with \(reissue) OUTDIR "
        + "\(host) (sudo deploy/install.sh --collector --broker-host \(host) ...), or connect by a name it carries"
    }
    switch verifyResult {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "the broker's certificate has expired\(openSSL): issue a new one with \(reissue) on the collector host "
        + "and restart mosquitto"
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "the broker's certificate is not valid yet\(openSSL): check this machine's clock (timedatectl), "
        + "or the broker's certificate dates"
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
      X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
      X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "the broker's certificate is not signed by the CA in \(ca) (unknown CA)\(openSSL): copy the collector "
        + "host's /etc/coldtrace/pki/ca.crt here and name it as [tls] ca_file"
    case let code?:
      let text = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
      return "the broker's certificate was refused: \(text)\(openSSL)"
    case nil:
      break
    }
    let ours = certFile ?? "none: set [tls] cert_file and key_file"
    let alerts = openSSLErrors.joined(separator: " ")
    if alerts.contains("alert unknown ca") || alerts.contains("alert bad certificate") {
      return "the broker refused this client's certificate (\(ours))\(openSSL): it must be signed by the broker's "
        + "CA; make one with \(reissue) OUTDIR --client NAME (deploy/mosquitto/add-site.sh for a site)"
    }
    if alerts.contains("alert certificate expired") {
      return "the broker says this client's certificate (\(ours)) has expired\(openSSL): make a new one with "
        + "\(reissue) OUTDIR --client NAME"
    }
    if alerts.contains("certificate required") {
      return "the broker requires a client certificate (\(ours))\(openSSL)"
    }
    return "TLS handshake failed\(openSSL)"
  }
}
