/// How a cooperative names its places and lots to the outside world (EPCIS exports): its GS1 keys where it has them,
/// URIs of its own otherwise. From the collector config's `[sites]`, `[sites.<id>]` and `[gtin]` tables
/// (docs/operations.md, "Identifiers for EPCIS").
public struct TraceIdentifiers: Sendable, Equatable {
  /// The GS1 company prefix (6–12 digits) the GLNs and GTINs begin with, if the cooperative has one.
  public var companyPrefix: String?
  /// The cooperative's own URI base for places and lots without a GS1 key, e.g. `https://trace.hongxuan.vn/id`;
  /// `nil`: `urn:coldtrace:` names, meaningful with the cooperative's records only.
  public var uriBase: String?
  /// Per site id, its 13-digit GLN.
  public var siteGLNs: [String: String] = [:]
  /// Per product id, its 14-digit GTIN.
  public var productGTINs: [String: String] = [:]

  public init(
    companyPrefix: String? = nil, uriBase: String? = nil, siteGLNs: [String: String] = [:],
    productGTINs: [String: String] = [:]
  ) {
    self.companyPrefix = companyPrefix
    self.uriBase = uriBase
    self.siteGLNs = siteGLNs
    self.productGTINs = productGTINs
  }

  /// A room of a site (`room == nil`: the site as a whole).
  public func location(site: String, room: String?) -> String {
    if let gln = siteGLNs[site] {
      let place = room ?? "0"
      if place.count <= GS1Key.maximumExtensionLength {
        return GS1Key.locationURI(gln: gln, extension: place, companyPrefix: companyPrefix)
      }
    }
    let path = room.map { "\(site)/\($0)" } ?? site
    if let uriBase { return "\(uriBase)/location/\(path)" }
    return "urn:coldtrace:location:" + path.replacingSlashes(with: ":")
  }

  /// The lot as a class of objects: LGTIN (or its Digital Link) when its product has a GTIN, else an own URI.
  public func lotClass(product: String, lot: String) -> String {
    if let gtin = productGTINs[product], lot.count <= GS1Key.maximumExtensionLength {
      return GS1Key.lotClassURI(gtin: gtin, lot: lot, companyPrefix: companyPrefix)
    }
    if let uriBase { return "\(uriBase)/lot/\(lot)" }
    return "urn:coldtrace:lot:\(lot)"
  }
}

extension String {
  fileprivate func replacingSlashes(with separator: Character) -> String {
    String(map { $0 == "/" ? separator : $0 })
  }
}
