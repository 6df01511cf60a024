internal import CQRencode

/// A QR code (libqrencode, error correction level M, 8-bit mode) drawn as one inline SVG path on one line, with the
/// four-module quiet zone the standard asks for. Deterministic: the same text gives the same bytes.
enum QRCodeSVG {
  /// The SVG, `moduleSize` CSS pixels per module, or `nil` when the text is too long for a QR code.
  static func svg(for text: String, moduleSize: Int, label: String) -> String? {
    guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
    defer { QRcode_free(code) }
    let width = Int(code.pointee.width)
    let quiet = 4
    let size = width + 2 * quiet
    var path = ""
    path.reserveCapacity(width * width * 4)
    for row in 0..<width {
      var column = 0
      while column < width {
        guard code.pointee.data[row * width + column] & 1 == 1 else {
          column += 1
          continue
        }
        var run = 1
        while column + run < width && code.pointee.data[row * width + column + run] & 1 == 1 { run += 1 }
        path += "M\(column + quiet) \(row + quiet)h\(run)v1h-\(run)z"
        column += run
      }
    }
    let pixels = size * moduleSize
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(HTML.escape(label))\" "
      + "width=\"\(pixels)\" height=\"\(pixels)\" viewBox=\"0 0 \(size) \(size)\" shape-rendering=\"crispEdges\" "
      + "style=\"flex: none\"><rect width=\"\(size)\" height=\"\(size)\" fill=\"#fff\"/>"
      + "<path fill=\"#000\" d=\"\(path)\"/></svg>"
  }
}
