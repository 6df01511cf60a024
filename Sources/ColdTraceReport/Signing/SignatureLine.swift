import ColdTraceCore
import ColdTraceSigning

/// The one line a signed report adds to its format, built from the signature token alone, so the verifier can rebuild
/// it and notice any edit to it:
///
/// | format | the line | where |
/// | --- | --- | --- |
/// | text | the token | last |
/// | CSV | `#` and the token, CRLF | last (after the seal line `#coldtrace-integrity:…` signing adds) |
/// | JSON | `"signature":"<token>"}` | last; the line before ends with `,` instead of `}` |
/// | EPCIS | `"coldtrace:signature":"<token>"}` | as JSON |
/// | HTML | `<div id="coldtrace-signature">…</div>`: key fingerprint, QR code of the token, the token | before `</body></html>` |
enum SignatureLine {
  static func line(_ signature: ReportSignature, _ format: ReportFormat) -> String {
    switch format {
    case .text: signature.token + "\n"
    case .csv: "#" + signature.token + "\r\n"
    case .json: "\"signature\":\"\(signature.token)\"}\n"
    case .epcis: "\"coldtrace:signature\":\"\(signature.token)\"}\n"
    case .html: html(signature) + "\n"
    }
  }

  /// The HTML block, in English and Vietnamese whatever the report's language (it is rebuilt from the token alone).
  private static func html(_ signature: ReportSignature) -> String {
    let token = signature.token
    let qr = QRCodeSVG.svg(for: token, moduleSize: 3, label: "QR: \(signature.lot)") ?? ""
    var out = "<div id=\"coldtrace-signature\" style=\"page-break-inside: avoid\">"
    out += "<h2>Signature / Chữ ký số (Ed25519)</h2>"
    out += "<div style=\"display: flex; gap: 16px; align-items: flex-start\">\(qr)<table>"
    out += "<tr><th>Lot / Lô hàng</th><td>\(HTML.escape(signature.lot))</td></tr>"
    out += "<tr><th>Seal / Mã niêm phong (SHA-256)</th><td class=\"mono\">\(signature.seal)</td></tr>"
    out += "<tr><th>Public key fingerprint / Dấu vân tay khóa công khai (SHA-256)</th><td class=\"mono\">"
    out += "\(Ed25519PublicKey.grouped(signature.keyFingerprint))</td></tr>"
    out += "<tr><th>Check / Kiểm tra</th><td>coldtrace report verify FILE --key coop.pub</td></tr>"
    out += "</table></div><p class=\"mono\">\(token)</p></div>"
    return out
  }
}
