import CZlib
import Foundation

/// A minimal PNG decoder for the render test: 8-bit RGB or RGBA, non-interlaced (what Chromium writes).
struct PNGImage {
  let width: Int
  let height: Int
  /// RGB triples, row by row.
  let pixels: [UInt8]

  struct DecodeError: Error, CustomStringConvertible {
    let description: String
  }

  init(_ data: [UInt8]) throws {
    guard data.count > 33, data.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
      throw DecodeError(description: "not a PNG file")
    }
    func be32(_ at: Int) -> Int { data[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    var offset = 8
    var header: (width: Int, height: Int, depth: UInt8, colour: UInt8, interlace: UInt8)?
    var compressed: [UInt8] = []
    while offset + 8 <= data.count {
      let length = be32(offset)
      let type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
      let body = offset + 8
      guard body + length <= data.count else { throw DecodeError(description: "truncated \(type) chunk") }
      if type == "IHDR" {
        header = (be32(body), be32(body + 4), data[body + 8], data[body + 9], data[body + 12])
      } else if type == "IDAT" {
        compressed += data[body..<body + length]
      } else if type == "IEND" {
        break
      }
      offset = body + length + 4
    }
    guard let header else { throw DecodeError(description: "no IHDR chunk") }
    guard header.depth == 8, header.colour == 2 || header.colour == 6, header.interlace == 0 else {
      throw DecodeError(description: "unsupported PNG (depth \(header.depth), colour type \(header.colour))")
    }
    let channels = header.colour == 6 ? 4 : 3
    let rowBytes = header.width * channels
    var raw = [UInt8](repeating: 0, count: header.height * (rowBytes + 1))
    var rawLength = uLongf(raw.count)
    let status = raw.withUnsafeMutableBufferPointer { output in
      compressed.withUnsafeBufferPointer { input in
        uncompress(output.baseAddress, &rawLength, input.baseAddress, uLong(input.count))
      }
    }
    guard status == Z_OK, Int(rawLength) == raw.count else {
      throw DecodeError(description: "zlib inflate failed (\(status)) or short image data")
    }
    var image = [UInt8](repeating: 0, count: header.height * rowBytes)
    for row in 0..<header.height {
      let filter = raw[row * (rowBytes + 1)]
      for column in 0..<rowBytes {
        let x = raw[row * (rowBytes + 1) + 1 + column]
        let a = column >= channels ? image[row * rowBytes + column - channels] : 0
        let b = row > 0 ? image[(row - 1) * rowBytes + column] : 0
        let c = row > 0 && column >= channels ? image[(row - 1) * rowBytes + column - channels] : 0
        let predicted: UInt8
        switch filter {
        case 0: predicted = 0
        case 1: predicted = a
        case 2: predicted = b
        case 3: predicted = UInt8((Int(a) + Int(b)) / 2)
        case 4:
          let p = Int(a) + Int(b) - Int(c)
          let (pa, pb, pc) = (abs(p - Int(a)), abs(p - Int(b)), abs(p - Int(c)))
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
        default: throw DecodeError(description: "bad filter \(filter) on row \(row)")
        }
        image[row * rowBytes + column] = x &+ predicted
      }
    }
    var rgb: [UInt8] = []
    rgb.reserveCapacity(header.width * header.height * 3)
    for index in stride(from: 0, to: image.count, by: channels) { rgb += image[index..<index + 3] }
    width = header.width
    height = header.height
    pixels = rgb
  }

  /// The colour at (x, y) as 0xRRGGBB.
  func colour(_ x: Int, _ y: Int) -> Int {
    let index = (y * width + x) * 3
    return Int(pixels[index]) << 16 | Int(pixels[index + 1]) << 8 | Int(pixels[index + 2])
  }
}
