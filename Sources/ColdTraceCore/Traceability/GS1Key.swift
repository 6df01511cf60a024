/// GS1 identification keys as ColdTrace writes them into EPCIS documents: a GLN (a location) or a GTIN (a trade
/// item), checked by their mod-10 check digit, and the URIs EPCIS 2.0 accepts for them.
///
/// With the GS1 company prefix known (its length is what splits a key into prefix and reference), the EPC URNs of the
/// GS1 Tag Data Standard: `urn:epc:id:sgln:<prefix>.<location reference>.<extension>` and
/// `urn:epc:class:lgtin:<prefix>.<indicator><item reference>.<lot>`. Without it, GS1 Digital Link URIs
/// (`https://id.gs1.org/414/<GLN>/254/<extension>`, `https://id.gs1.org/01/<GTIN>/10/<lot>`), which need no split.
public enum GS1Key {
  /// The longest GLN extension (AI 254) and batch/lot number (AI 10): 20 characters.
  public static let maximumExtensionLength = 20

  /// `digits` as a 13-digit GLN, or why it is not one.
  public static func gln(_ digits: String) -> Result<String, GS1KeyError> {
    guard digits.count == 13, digits.allSatisfy(\.isASCIIDigit) else { return .failure(.notDigits(digits, 13)) }
    guard hasValidCheckDigit(digits) else { return .failure(.checkDigit(digits)) }
    return .success(digits)
  }

  /// `digits` (GTIN-8, -12, -13 or -14) as a 14-digit GTIN, or why it is not one.
  public static func gtin(_ digits: String) -> Result<String, GS1KeyError> {
    guard [8, 12, 13, 14].contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else {
      return .failure(.notDigits(digits, 14))
    }
    guard hasValidCheckDigit(digits) else { return .failure(.checkDigit(digits)) }
    return .success(String(repeating: "0", count: 14 - digits.count) + digits)
  }

  /// Whether `prefix` is a GS1 company prefix (6 to 12 digits).
  public static func isCompanyPrefix(_ prefix: String) -> Bool {
    (6...12).contains(prefix.count) && prefix.allSatisfy(\.isASCIIDigit)
  }

  /// The GS1 mod-10 check: weights 3 and 1 alternating from the digit left of the check digit.
  public static func hasValidCheckDigit(_ digits: String) -> Bool {
    let values = digits.compactMap(\.wholeNumberValue)
    guard values.count == digits.count, let check = values.last else { return false }
    var sum = 0
    for (offset, value) in values.dropLast().reversed().enumerated() { sum += value * (offset % 2 == 0 ? 3 : 1) }
    return (10 - sum % 10) % 10 == check
  }

  /// A location of `gln` with `extension` ("0": the whole location), as an SGLN URN when `prefix` is the GLN's
  /// company prefix, else as a Digital Link URI.
  public static func locationURI(gln: String, extension: String, companyPrefix prefix: String?) -> String {
    if let prefix, gln.hasPrefix(prefix) {
      let reference = gln.dropFirst(prefix.count).dropLast()
      return "urn:epc:id:sgln:\(prefix).\(reference).\(`extension`)"
    }
    return "https://id.gs1.org/414/\(gln)" + (`extension` == "0" ? "" : "/254/\(`extension`)")
  }

  /// A lot of trade item `gtin` (14 digits), as an LGTIN URN when `prefix` is the GTIN's company prefix, else as a
  /// Digital Link URI.
  public static func lotClassURI(gtin: String, lot: String, companyPrefix prefix: String?) -> String {
    let indicator = gtin.prefix(1)
    let afterIndicator = gtin.dropFirst()
    if let prefix, afterIndicator.hasPrefix(prefix) {
      let reference = afterIndicator.dropFirst(prefix.count).dropLast()
      return "urn:epc:class:lgtin:\(prefix).\(indicator)\(reference).\(lot)"
    }
    return "https://id.gs1.org/01/\(gtin)/10/\(lot)"
  }
}

/// Why a configured GS1 key is refused.
public enum GS1KeyError: Error, Equatable, CustomStringConvertible {
  case notDigits(String, Int)
  case checkDigit(String)

  public var description: String {
    switch self {
    case .notDigits(let text, 13): "\"\(text)\" is not a GLN (13 digits)"
    case .notDigits(let text, _): "\"\(text)\" is not a GTIN (8, 12, 13 or 14 digits)"
    case .checkDigit(let text): "\"\(text)\" has a wrong check digit (mistyped?)"
    }
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
