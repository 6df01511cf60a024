import CBuildInfo

/// What `--version` prints: the release and the commit the binary was built from (deploy/install.sh bakes it in),
/// e.g. `0.1.0 (commit 3f2a9c1)`, so an operator can tell which build a box runs after an upgrade.
public enum BuildInfo {
  /// The commit, `git describe --always --dirty` style, or "unknown" in a build that did not set it.
  public static var commit: String { String(cString: coldtrace_build_commit()) }

  /// `version (commit <commit>)`.
  public static func versionLine(_ version: String) -> String { "\(version) (commit \(commit))" }
}
