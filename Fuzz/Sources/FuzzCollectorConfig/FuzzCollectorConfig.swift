import ColdTraceCollector
import ColdTraceConfig

/// Any bytes as the text of `collector.toml`, loaded the way `coldtrace --config` loads it (the file's bytes decoded
/// as UTF-8, parsed by ColdTraceTOML, validated by `CollectorConfigFile.load`).
///
/// Beyond not crashing: a refused configuration says why, naming the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCollectorConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  do throws(ConfigError) {
    _ = try CollectorConfigFile.load(try ConfigTable(path: "collector.toml", text: text))
  } catch {
    guard error.description.hasPrefix("collector.toml") else { fatalError("error without the file: \(error)") }
  }
  return 0
}
