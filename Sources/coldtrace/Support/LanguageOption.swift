import ArgumentParser
import ColdTraceCore
import ColdTraceSystem
import Foundation

/// `--lang`, for the commands whose text people read: English or Vietnamese; without it, the locale's (`LC_ALL`,
/// `LC_MESSAGES` or `LANG`, English when none names Vietnamese).
struct LanguageOption: ParsableArguments {
  @Option(help: ArgumentHelp("en or vi (default: from LC_ALL, LC_MESSAGES or LANG).", valueName: "lang"))
  var lang: String?

  /// The language asked for; a `--lang` other than en or vi is a usage error (one line, exit 2).
  func language() throws -> Language {
    guard let lang else { return Language.fromLocale(ProcessInfo.processInfo.environment) }
    guard let language = Language(rawValue: lang) else {
      throw UsageError("--lang must be en or vi, not \"\(lang)\"")
    }
    return language
  }
}
