#if canImport(Glibc)
  import Glibc
#endif

/// Where `/metrics` listens (`[metrics] listen`): an IPv4 address and a port. `"9464"` and `":9464"` mean loopback,
/// the default: the page names every site, room and probe, so exposing it further (`0.0.0.0:9464`) is a decision the
/// operator writes out, behind a firewall.
public struct MetricsListenAddress: Sendable, Equatable, CustomStringConvertible {
  public var host: String
  public var port: Int

  public init(host: String = "127.0.0.1", port: Int) {
    self.host = host
    self.port = port
  }

  /// `host:port`, `:port` or `port`; `nil` with the reason when it is none of these.
  public static func parse(_ text: String) -> Result<MetricsListenAddress, MetricsListenError> {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count <= 2 else {
      return .failure(MetricsListenError("must be \"<IPv4 address>:<port>\", e.g. \"127.0.0.1:9464\""))
    }
    let hostText = parts.count == 2 ? String(parts[0]) : ""
    let host = hostText.isEmpty || hostText == "localhost" ? "127.0.0.1" : hostText
    var ignored = in_addr()
    guard inet_pton(AF_INET, host, &ignored) == 1 else {
      return .failure(MetricsListenError("\"\(hostText)\" is not an IPv4 address (e.g. 127.0.0.1)"))
    }
    guard let port = Int(parts[parts.count - 1]), (1...65535).contains(port) else {
      return .failure(MetricsListenError("the port must be a number from 1 to 65535"))
    }
    return .success(MetricsListenAddress(host: host, port: port))
  }

  public var description: String { "\(host):\(port)" }

  var socketAddress: sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    _ = inet_pton(AF_INET, host, &address.sin_addr)
    return address
  }
}

/// Why `/metrics` cannot listen where it was told.
public struct MetricsListenError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
