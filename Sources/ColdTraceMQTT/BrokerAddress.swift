/// Where a broker is and how to log in: `mqtt://[user[:password]@]host[:port]` or `mqtts://...` (TLS).
public struct BrokerAddress: Sendable, Equatable, CustomStringConvertible {
  public var host: String
  public var port: Int
  public var username: String?
  public var password: String?
  public var usesTLS: Bool

  public init(host: String, port: Int? = nil, username: String? = nil, password: String? = nil, usesTLS: Bool = false) {
    self.host = host
    self.port = port ?? (usesTLS ? 8883 : 1883)
    self.username = username
    self.password = password
    self.usesTLS = usesTLS
  }

  /// Parses a broker URL; the error text is one line an operator can act on.
  public init(url: String) throws(BrokerAddressError) {
    let scheme: String
    let rest: Substring
    if url.hasPrefix("mqtt://") {
      scheme = "mqtt"
      rest = url.dropFirst("mqtt://".count)
    } else if url.hasPrefix("mqtts://") {
      scheme = "mqtts"
      rest = url.dropFirst("mqtts://".count)
    } else {
      throw BrokerAddressError("broker URL \"\(url)\" must start with mqtt:// or mqtts://")
    }
    var authority = rest
    if let slash = authority.firstIndex(of: "/") {
      guard authority[slash...].allSatisfy({ $0 == "/" }) else {
        throw BrokerAddressError("broker URL \"\(url)\" must not have a path")
      }
      authority = authority[..<slash]
    }
    var username: String?
    var password: String?
    if let at = authority.lastIndex(of: "@") {
      let credentials = authority[..<at]
      authority = authority[authority.index(after: at)...]
      if let colon = credentials.firstIndex(of: ":") {
        username = String(credentials[..<colon]).percentDecoded
        password = String(credentials[credentials.index(after: colon)...]).percentDecoded
      } else {
        username = String(credentials).percentDecoded
      }
      if username?.isEmpty == true { throw BrokerAddressError("broker URL \"\(url)\" has an empty user name") }
    }
    var host = authority
    var port: Int?
    if host.hasPrefix("[") {  // [::1]:1883
      guard let close = host.firstIndex(of: "]") else {
        throw BrokerAddressError("broker URL \"\(url)\" has an unclosed IPv6 bracket")
      }
      let after = host[host.index(after: close)...]
      host = host[host.index(after: host.startIndex)..<close]
      if !after.isEmpty {
        guard after.hasPrefix(":") else { throw BrokerAddressError("broker URL \"\(url)\" is malformed after ']'") }
        port = Int(after.dropFirst())
        if port == nil { throw BrokerAddressError("broker URL \"\(url)\" has a bad port") }
      }
    } else if let colon = host.lastIndex(of: ":") {
      port = Int(host[host.index(after: colon)...])
      if port == nil { throw BrokerAddressError("broker URL \"\(url)\" has a bad port") }
      host = host[..<colon]
    }
    guard !host.isEmpty else { throw BrokerAddressError("broker URL \"\(url)\" has no host") }
    if let port, !(1...65535).contains(port) {
      throw BrokerAddressError("broker URL \"\(url)\": port \(port) is outside 1..65535")
    }
    self.init(host: String(host), port: port, username: username, password: password, usesTLS: scheme == "mqtts")
  }

  /// The URL without the password, for logs.
  public var description: String {
    let user = username.map { "\($0)@" } ?? ""
    let shownHost = host.contains(":") ? "[\(host)]" : host
    return "\(usesTLS ? "mqtts" : "mqtt")://\(user)\(shownHost):\(port)"
  }
}

/// A broker URL that cannot be used, with a reason.
public struct BrokerAddressError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

extension String {
  /// `%40` → `@` and so on, so passwords can carry reserved characters in a URL.
  fileprivate var percentDecoded: String {
    guard contains("%") else { return self }
    var bytes: [UInt8] = []
    var iterator = utf8.makeIterator()
    while let byte = iterator.next() {
      if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
        let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
      {
        bytes.append(value)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
