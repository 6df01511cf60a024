/// A name turned into a ColdTrace id: accents folded to ASCII (`Kho lạnh 2` → `kho-lanh-2`, `Phòng đông` →
/// `phong-dong`), lower case, every run of other characters than `a-z 0-9 . _ -` one `-`, at most 48 characters.
enum Slug {
  static func make(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      if scalar.properties.generalCategory == .nonspacingMark { continue }  // a decomposed accent: the letter stays
      let folded = ASCIIFold.letter(scalar) ?? scalar
      let lower = folded.properties.lowercaseMapping
      let allowed =
        folded.isASCII
        && (folded.properties.isAlphabetic || ("0"..."9").contains(folded) || "._-".unicodeScalars.contains(folded))
      if allowed {
        out += lower
      } else if !out.hasSuffix("-") {
        out += "-"
      }
    }
    while out.hasPrefix("-") || out.hasPrefix(".") { out.removeFirst() }
    while out.hasSuffix("-") { out.removeLast() }
    return String(out.prefix(48))
  }
}

/// A Latin letter with diacritics reduced to its ASCII base letter, without Foundation: the Unicode name the standard
/// library carries says it (`LATIN SMALL LETTER A WITH DOT BELOW` → `a`, `LATIN CAPITAL LETTER D WITH STROKE` → `D`).
/// This is what stripping the combining marks after canonical decomposition gives, and it also folds `đ`/`Đ`, which
/// have no decomposition. Letters whose base is not one ASCII letter (`ß`, `æ`) are left alone.
enum ASCIIFold {
  static func letter(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
    guard !scalar.isASCII, scalar.properties.isAlphabetic, let name = scalar.properties.name else { return nil }
    for (prefix, offset) in [("LATIN SMALL LETTER ", 0x20), ("LATIN CAPITAL LETTER ", 0)] as [(String, UInt8)] {
      guard name.hasPrefix(prefix) else { continue }
      let words = name.dropFirst(prefix.count).split(separator: " ")
      guard words.count >= 3, words[1] == "WITH", words[0].utf8.count == 1, let letter = words[0].utf8.first,
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(letter)
      else { return nil }
      return Unicode.Scalar(letter + offset)
    }
    return nil
  }
}
