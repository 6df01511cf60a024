import ColdTraceAgent
import ColdTraceConfig

/// Any bytes as the text of `agent.toml`, loaded the way `coldtrace-agent check-config` loads it (the file's bytes
/// decoded as UTF-8, parsed by ColdTraceTOML, validated by `AgentConfiguration.load`).
///
/// Beyond not crashing: a refused configuration says why, naming the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAgentConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  do throws(ConfigError) {
    _ = try AgentConfiguration.load(try ConfigTable(path: "agent.toml", text: text))
  } catch {
    guard error.description.hasPrefix("agent.toml") else { fatalError("error without the file: \(error)") }
  }
  return 0
}
