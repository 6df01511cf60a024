import CMosquitto

extension MosquittoClient {
  /// A libmosquitto log line, while `NetworkLoop` listens (connect attempts over TLS). On the network thread, while
  /// the TLS session of a failed handshake still exists: its certificate check result is read now.
  func didLog(level: Int32, message: String) {
    tlsDiagnosis.withLock { diagnosis in
      diagnosis.record(level: level, message: message)
      if level == MOSQ_LOG_ERR, diagnosis.verifyResult == nil, let session = mosquitto_ssl_get(handle) {
        let result = SSL_get_verify_result(OpaquePointer(session))
        if result != X509_V_OK { diagnosis.verifyResult = Int32(truncatingIfNeeded: result) }
      }
    }
  }

  /// Forgets what the last connect attempt logged.
  func resetTLSDiagnosis() { tlsDiagnosis.withLock { $0 = TLSDiagnosis() } }

  /// libmosquitto's description of `code`, with the reason and a hint when the TLS set-up failed.
  func describeFailure(_ code: Int32) -> String {
    let described = MosquittoLibrary.describe(code)
    guard options.broker.usesTLS else { return described }
    let diagnosis = tlsDiagnosis.withLock { $0 }
    let tls = options.tls ?? ClientOptions.TLS()
    guard
      let explanation = diagnosis.explanation(
        host: options.broker.host, caFile: tls.caFile, certFile: tls.certFile)
    else { return described }
    return code == MOSQ_ERR_TLS.rawValue ? "TLS: \(explanation)" : "\(described) (TLS: \(explanation))"
  }
}
